import Features
import Foundation

/// An axis range with "nice" ticks: multiples of 1, 2 or 5 times a power of ten that cover the
/// data, as a person would draw them.
///
/// The step is the smallest of `{1, 2, 5} × 10ᵏ` that covers the data in at most
/// `maximumTicks` ticks; the range runs from the largest multiple of the step at or below the
/// data to the smallest at or above it (within a billionth of a step, so that a bound a rounding
/// error past a multiple does not add a tick).
///
///     let scale = NiceScale(covering: [0.03, 0.61])
///     scale.ticks          // [0, 0.2, 0.4, 0.6, 0.8]
///     scale.label(0.4)     // "0.4"
///
/// Degenerate data still gives a usable axis: no finite values give 0…1, and equal values
/// `v` give `v ± 10%` (0…1 for zeros), so a chart never divides by a zero range.
public struct NiceScale: Equatable, Sendable {
    /// The first tick, at or below the data.
    public let lower: Double
    /// The last tick, at or above the data.
    public let upper: Double
    /// The distance between ticks.
    public let step: Double

    /// The scale of `lower…upper`.
    ///
    /// - Parameters:
    ///   - lower: The smallest value to cover.
    ///   - upper: The largest value to cover; values are swapped when given the wrong way.
    ///   - maximumTicks: The most ticks, at least 2; default 6.
    public init(lower: Double, upper: Double, maximumTicks: Int = 6) {
        self.init(covering: [lower, upper], maximumTicks: maximumTicks)
    }

    /// The scale covering the finite `values`.
    ///
    /// - Parameters:
    ///   - values: The data; NaN and infinities are ignored.
    ///   - includingZero: Whether 0 must lie in the range too, as for bars and counts.
    ///   - maximumTicks: The most ticks, at least 2; default 6.
    public init(covering values: [Double], includingZero: Bool = false, maximumTicks: Int = 6) {
        precondition(maximumTicks >= 2, "An axis needs at least two ticks.")
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if includingZero {
            low = min(low, 0)
            high = max(high, 0)
        }
        if finite.isEmpty { (low, high) = (0, 1) }
        if low == high {
            if low == 0 {
                high = 1
            } else {
                let margin = abs(low) / 10
                (low, high) = (low - margin, high + margin)
                if includingZero { (low, high) = (min(low, 0), max(high, 0)) }
            }
        }
        // Below the smallest normal span, steps lose precision; such data reads as equal.
        if !(high - low).isNormal || (high - low) < abs(high) * 1e-12 {
            let margin = max(abs(low), abs(high)) / 10
            (low, high) = margin > 0 ? (low - margin, high + margin) : (0, 1)
        }
        var step = Self.niceStep(atLeast: (high - low) / Double(maximumTicks - 1))
        var first = 0.0, last = 0.0
        while true {
            // A little slack, so that a bound a rounding error past a multiple stays on it.
            first = (low / step + 1e-9).rounded(.down)
            last = (high / step - 1e-9).rounded(.up)
            if last - first + 1 <= Double(maximumTicks) { break }
            step = Self.niceStep(atLeast: step * 1.5)
        }
        self.step = step
        self.lower = first * step
        self.upper = last * step
    }

    /// The smallest `{1, 2, 5} × 10ᵏ` at or above `value` (positive).
    static func niceStep(atLeast value: Double) -> Double {
        let magnitude = pow(10, (log10(value)).rounded(.down))
        let fraction = value / magnitude
        // Multiplying by a whole power of ten may leave 1.0000000000000002; compare with slack.
        for nice in [1.0, 2, 5] where fraction <= nice * (1 + 1e-12) { return nice * magnitude }
        return 10 * magnitude
    }

    /// The ticks from `lower` to `upper`, every `step`.
    public var ticks: [Double] {
        let count = Int(((upper - lower) / step).rounded()) + 1
        let first = (lower / step).rounded()
        return (0..<count).map { (first + Double($0)) * step }
    }

    /// The number of decimals that shows every tick exactly.
    public var decimals: Int { max(0, -Int(log10(step).rounded(.down))) }

    /// `value` with this scale's decimals, or in percent (`0.25` → `25%`) with as many as it
    /// needs; never `-0`.
    public func label(_ value: Double, format: TickFormat = .number) -> String {
        switch format {
        case .number: return ChartNumber.number(value, decimals: decimals)
        case .percent: return ChartNumber.fixed(100 * value, decimals: max(0, decimals - 2)) + "%"
        }
    }
}

/// How tick values read.
public enum TickFormat: Sendable, Equatable {
    /// As numbers: `0.25`.
    case number
    /// As percentages of 1: `25%`.
    case percent
}

/// Numbers as charts and tables write them.
public enum ChartNumber {
    /// `value` with `decimals` decimals, `-0` written `0`; NaN and infinities as `–`.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "–" }
        let text = String(format: "%.\(max(0, min(decimals, 17)))f", value)
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(text.dropFirst()) }
        return text
    }

    /// A tick label: `fixed`, with a comma between thousands from 10,000 up (`5,000,000`).
    public static func number(_ value: Double, decimals: Int) -> String {
        abs(value) >= 10_000 && value.isFinite && decimals <= 9 ? DecimalText.grouped(value, decimals: decimals) : fixed(value, decimals: decimals)
    }

    /// An SVG coordinate: at most two decimals, no trailing zeros; a non-finite value (which
    /// the charts never produce) is written 0 so that the SVG stays well formed.
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        var text = fixed((value * 100).rounded() / 100, decimals: 2)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
