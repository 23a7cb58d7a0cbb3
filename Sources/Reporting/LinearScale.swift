/// Maps data values to pixel positions, linearly: `domain.lowerBound` to `start`,
/// `domain.upperBound` to `end` (`end < start` for a vertical axis drawn upwards).
///
///     let y = LinearScale(domain: 0...1, start: 300, end: 20)
///     y(0.5)   // 160
public struct LinearScale: Equatable, Sendable {
    /// The data values at the ends.
    public let domain: ClosedRange<Double>
    /// The pixel position of `domain.lowerBound`.
    public let start: Double
    /// The pixel position of `domain.upperBound`.
    public let end: Double

    public init(domain: ClosedRange<Double>, start: Double, end: Double) {
        self.domain = domain
        self.start = start
        self.end = end
    }

    /// The position of `value`; values outside the domain land outside `start…end`. A domain of
    /// zero width puts every value in the middle.
    public func callAsFunction(_ value: Double) -> Double {
        let width = domain.upperBound - domain.lowerBound
        guard width > 0 else { return (start + end) / 2 }
        return start + (value - domain.lowerBound) / width * (end - start)
    }
}
