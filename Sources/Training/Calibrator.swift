/// A monotone map from a model's probability to a calibrated one, fitted on labelled rows the
/// model was not fitted on: Platt scaling or isotonic regression.
///
/// Both maps take the model's log-odds `η` (isotonic regression through the probability
/// `σ(η)`), and neither decreases for an increasing map (Platt with `A ≤ 0`, isotonic always),
/// so a range `[σ(η₁), σ(η₂)]` maps to `[c(η₁), c(η₂)]`: `range(logOdds:)` orders the ends
/// whichever way the map goes.
///
/// In a model file a calibrator is an object with `method` (`platt` or `isotonic`) and the
/// method's fields: `a`, `b`, `iterations`, `converged`, or `thresholds` and `values`.
///
///     let calibrator = try Calibrator(fitting: .isotonic, logOdds: eta, labels: outcomes)
///     let p = calibrator.probability(logOdds: eta[0])
public enum Calibrator: Codable, Equatable, Sendable {
    /// `p = 1 / (1 + exp(A·η + B))`.
    case platt(PlattScaling)
    /// Isotonic regression of the outcome on `σ(η)`.
    case isotonic(IsotonicCalibration)

    /// The calibration methods.
    public enum Method: String, Codable, CaseIterable, Sendable {
        case platt, isotonic
    }

    /// Fits a calibrator of the given method.
    ///
    /// - Parameters:
    ///   - method: Platt scaling or isotonic regression.
    ///   - logOdds: The model's log-odds of each row; finite.
    ///   - labels: Outcomes, 0 or 1.
    ///   - weights: Non-negative sample weights, or `nil` for all ones (the default).
    /// - Throws: `CalibrationError` for bad input (see `PlattScaling` and `IsotonicCalibration`).
    /// - Complexity: O(n log n).
    public init(fitting method: Method, logOdds: [Double], labels: [Double], weights: [Double]? = nil) throws(CalibrationError) {
        switch method {
        case .platt:
            self = .platt(try PlattScaling(fitting: logOdds, labels: labels, weights: weights))
        case .isotonic:
            try CalibrationError.check(predictions: logOdds, labels: labels, weights: weights) { $0.isFinite }
            self = .isotonic(try IsotonicCalibration(fitting: logOdds.map { LogisticLoss.probability(eta: $0) },
                                                     labels: labels, weights: weights))
        }
    }

    /// The method.
    public var method: Method {
        switch self {
        case .platt: return .platt
        case .isotonic: return .isotonic
        }
    }

    /// The calibrated probability of a row with log-odds `η`.
    @inline(__always)
    public func probability(logOdds eta: Double) -> Double {
        switch self {
        case .platt(let platt): return platt.probability(logOdds: eta)
        case .isotonic(let isotonic): return isotonic.probability(LogisticLoss.probability(eta: eta))
        }
    }

    /// The calibrated range of a range of log-odds, lower end first.
    public func range(logOdds low: Double, _ high: Double) -> (low: Double, high: Double) {
        let (a, b) = (probability(logOdds: low), probability(logOdds: high))
        return (min(a, b), max(a, b))
    }

    private enum CodingKeys: String, CodingKey {
        case method, a, b, iterations, converged, thresholds, values
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Method.self, forKey: .method) {
        case .platt:
            let platt = try PlattScaling(a: container.decode(Double.self, forKey: .a), b: container.decode(Double.self, forKey: .b),
                                         iterations: container.decode(Int.self, forKey: .iterations),
                                         converged: container.decode(Bool.self, forKey: .converged))
            self = .platt(platt)
        case .isotonic:
            let thresholds = try container.decode([Double].self, forKey: .thresholds)
            let values = try container.decode([Double].self, forKey: .values)
            guard !thresholds.isEmpty, thresholds.count == values.count,
                  zip(thresholds, thresholds.dropFirst()).allSatisfy({ $0 < $1 }),
                  zip(values, values.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .thresholds, in: container,
                    debugDescription: "An isotonic calibration needs as many values as thresholds (at least one), "
                        + "thresholds increasing and values not decreasing.")
            }
            self = .isotonic(IsotonicCalibration(thresholds: thresholds, values: values))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(method, forKey: .method)
        switch self {
        case .platt(let platt):
            try container.encode(platt.a, forKey: .a)
            try container.encode(platt.b, forKey: .b)
            try container.encode(platt.iterations, forKey: .iterations)
            try container.encode(platt.converged, forKey: .converged)
        case .isotonic(let isotonic):
            try container.encode(isotonic.thresholds, forKey: .thresholds)
            try container.encode(isotonic.values, forKey: .values)
        }
    }
}
