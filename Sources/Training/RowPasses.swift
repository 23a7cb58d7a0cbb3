import Foundation
import LinearAlgebra

/// One pass over rows that another process holds (a partition of a Spark DataFrame, say): what
/// a `RowPassRunner` asks for, and what `PartitionPass.run(_:over:)` computes on each part.
///
/// Every pass is a sum over rows, so each part answers with a `PassResult` and the parts add
/// up with `PassResult.merge(_:)`; JSON carries both between processes.
public struct PassRequest: Codable, Equatable, Sendable {
    /// The passes a fit needs.
    public enum Kind: String, Codable, Sendable {
        /// The weighted column moments and the weight of the positive labels (pass 1).
        case moments
        /// The logistic loss and, by `order`, its gradient and Hessian at a point.
        case logistic
        /// How many rows (whatever their weight) have each whole percentage `round(100·p)` as
        /// their probability.
        case percentHistogram
    }

    public var kind: Kind
    /// The point, on the original scale (`logistic`, `percentHistogram`).
    public var intercept: Double?
    public var coefficients: [Double]?
    /// The coordinates of the Hessian: column centers and scale factors (`logistic`).
    public var centers: [Double]?
    public var scales: [Double]?
    /// `DerivativeOrder.rawValue` (`logistic`).
    public var order: Int?

    /// The moments pass.
    public static let moments = PassRequest(kind: .moments)

    /// A logistic pass at `intercept` and `coefficients`.
    public static func logistic(intercept: Double, coefficients: [Double], centers: [Double], scales: [Double],
                                order: DerivativeOrder) -> PassRequest {
        PassRequest(kind: .logistic, intercept: intercept, coefficients: coefficients, centers: centers, scales: scales,
                    order: order.rawValue)
    }

    /// The percentage histogram of the probabilities at `intercept` and `coefficients`.
    public static func percentHistogram(intercept: Double, coefficients: [Double]) -> PassRequest {
        PassRequest(kind: .percentHistogram, intercept: intercept, coefficients: coefficients)
    }

    /// Why the request cannot run on rows of `featureCount` features; `nil` when it can.
    public func problem(featureCount: Int) -> String? {
        switch kind {
        case .moments:
            return nil
        case .logistic:
            guard let order, DerivativeOrder(rawValue: order) != nil else { return "a logistic pass needs an order of 0, 1 or 2" }
            guard intercept != nil, coefficients?.count == featureCount, centers?.count == featureCount,
                  scales?.count == featureCount else {
                return "a logistic pass needs an intercept and \(featureCount) coefficients, centers and scales"
            }
            return nil
        case .percentHistogram:
            guard intercept != nil, coefficients?.count == featureCount else {
                return "a histogram pass needs an intercept and \(featureCount) coefficients"
            }
            return nil
        }
    }
}

/// The sums of one pass over some rows; the parts of a pass add up with `merge(_:)`.
public struct PassResult: Codable, Sendable {
    /// The moments pass: the weighted column moments, `Σ sᵢyᵢ`, and the rows labelled 1.
    public var moments: ColumnMoments?
    public var positiveWeight: Double?
    public var positiveRows: Int?
    /// The logistic pass.
    public var logistic: LogisticPassStatistics?
    /// The percentage histogram: 101 counts, of `round(100·p)` = 0 … 100.
    public var percentHistogram: [Int]?

    public init(moments: ColumnMoments? = nil, positiveWeight: Double? = nil, positiveRows: Int? = nil,
                logistic: LogisticPassStatistics? = nil, percentHistogram: [Int]? = nil) {
        self.moments = moments
        self.positiveWeight = positiveWeight
        self.positiveRows = positiveRows
        self.logistic = logistic
        self.percentHistogram = percentHistogram
    }

    /// Adds the sums of another part of the same pass.
    public mutating func merge(_ other: PassResult) {
        if let m = other.moments { moments == nil ? (moments = m) : moments!.merge(m) }
        if let w = other.positiveWeight { positiveWeight = (positiveWeight ?? 0) + w }
        if let r = other.positiveRows { positiveRows = (positiveRows ?? 0) + r }
        if let l = other.logistic { logistic == nil ? (logistic = l) : logistic!.merge(l) }
        if let h = other.percentHistogram {
            percentHistogram = percentHistogram.map { zip($0, h).map(+) } ?? h
        }
    }
}

/// Runs passes over rows held here: what each part of a distributed fit computes.
public enum PartitionPass {
    /// The sums of `request` over every row of `source`.
    ///
    /// - Precondition: `request.problem(featureCount:)` is `nil`.
    /// - Complexity: One pass: O(n·d), or O(n·d²) for a logistic pass with the Hessian.
    public static func run<Source: RowBlockSource>(_ request: PassRequest, over source: Source) -> PassResult {
        precondition(request.problem(featureCount: source.featureCount) == nil, "A malformed pass request.")
        let d = source.featureCount
        switch request.kind {
        case .moments:
            var moments = ColumnMoments(columns: d)
            var positive = 0.0
            var positiveRows = 0
            source.forEachBlock { block in
                moments.add(rows: block.rows, of: block.features, weights: block.weights)
                for i in 0..<block.rows.count {
                    if block.weight(i) > 0 { positive += block.weight(i) * block.label(i) }
                    if block.label(i) == 1 { positiveRows += 1 }
                }
            }
            return PassResult(moments: moments, positiveWeight: positive, positiveRows: positiveRows)
        case .logistic:
            var statistics = LogisticPassStatistics(featureCount: d, order: DerivativeOrder(rawValue: request.order!)!)
            source.forEachBlock { block in
                statistics.add(block: block, intercept: request.intercept!, coefficients: request.coefficients!,
                               centers: request.centers!, scales: request.scales!)
            }
            return PassResult(logistic: statistics)
        case .percentHistogram:
            var counts = [Int](repeating: 0, count: 101)
            source.forEachBlock { block in
                let eta = block.features.product(rows: block.rows, vector: request.coefficients!, adding: request.intercept!)
                // Every row counts, whatever its weight, as when the cut points are fitted here.
                for i in 0..<block.rows.count {
                    counts[Int((100 * min(max(LogisticLoss.probability(eta: eta[i]), 0), 1)).rounded())] += 1
                }
            }
            return PassResult(percentHistogram: counts)
        }
    }
}

/// Runs passes over rows held elsewhere and returns their merged sums: the one thing a
/// distributed fit needs from the engine that holds the rows.
public protocol RowPassRunner {
    /// The sums of `request` over every row.
    ///
    /// - Throws: `TrainingError.passFailed` when the engine could not run it.
    func run(_ request: PassRequest) throws(TrainingError) -> PassResult
}

extension JSONEncoder {
    /// The encoder of pass requests and results between processes: infinities and NaN as
    /// strings (an empty partition's column minimums are +∞), every double with the digits that
    /// read back as it.
    public static var passes: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        return encoder
    }
}

extension JSONDecoder {
    /// The decoder matching `JSONEncoder.passes`.
    public static var passes: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                        nan: "nan")
        return decoder
    }
}
