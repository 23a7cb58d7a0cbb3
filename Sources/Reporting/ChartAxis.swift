/// One axis of a chart: its title, the data range it spans, the ticks it labels and how they
/// read.
///
///     let axis = ChartAxis(title: "Predicted probability", covering: probabilities, format: .percent)
public struct ChartAxis: Equatable, Sendable {
    /// The axis title.
    public var title: String
    /// The data range drawn, end to end.
    public var domain: ClosedRange<Double>
    /// The values labelled, within `domain`.
    public var ticks: [Double]
    /// How the tick labels read.
    public var format: TickFormat
    /// The decimals of the tick labels (percent: of the percentage).
    public var decimals: Int

    /// An axis spanning a nice scale.
    public init(title: String, scale: NiceScale, format: TickFormat = .number) {
        self.title = title
        domain = scale.lower...scale.upper
        ticks = scale.ticks
        self.format = format
        decimals = format == .percent ? max(0, scale.decimals - 2) : scale.decimals
    }

    /// An axis over the nice scale covering `values`.
    ///
    /// - Parameters:
    ///   - includingZero: Whether 0 must be on the axis (bars, counts).
    ///   - maximumTicks: The most ticks; default 6.
    public init(title: String, covering values: [Double], includingZero: Bool = false, maximumTicks: Int = 6,
                format: TickFormat = .number) {
        self.init(title: title, scale: NiceScale(covering: values, includingZero: includingZero, maximumTicks: maximumTicks),
                  format: format)
    }

    /// An axis with an explicit range and ticks, such as 0…100 for scores drawn as bins
    /// −0.5…100.5. A range given the wrong way round, or of zero width, is widened to 0…1 or
    /// around its value, like `NiceScale` does.
    public init(title: String, domain: ClosedRange<Double>, ticks: [Double], decimals: Int = 0, format: TickFormat = .number) {
        self.title = title
        var range = domain
        if !(domain.upperBound > domain.lowerBound && domain.lowerBound.isFinite && domain.upperBound.isFinite) {
            let scale = NiceScale(covering: [domain.lowerBound, domain.upperBound])
            range = scale.lower...scale.upper
        }
        self.domain = range
        self.ticks = ticks.filter { $0.isFinite && range.contains($0) }
        self.format = format
        self.decimals = decimals
    }

    /// A tick's label.
    public func label(_ value: Double) -> String {
        switch format {
        case .number: return ChartNumber.number(value, decimals: decimals)
        case .percent: return ChartNumber.fixed(100 * value, decimals: decimals) + "%"
        }
    }

    /// The scale from this axis's domain to pixels `start…end`.
    func scale(from start: Double, to end: Double) -> LinearScale {
        LinearScale(domain: domain, start: start, end: end)
    }
}
