/// How a probability becomes the 0–100 score and the A–D grade that reps read.
///
/// The score is the close probability in percent, rounded: a score of 37 means a 37% chance.
/// The grade ranks a lead against the leads the model was trained on: the cut points are the
/// scores of the training leads at the 90th, 70th and 40th percentiles, so about the top 10% of
/// training leads grade A, the next 20% B, the next 30% C and the bottom 40% D. They are kept
/// in the model, so a grade means the same thing for every lead a model scores.
public struct GradeScale: Codable, Equatable, Sendable {
    /// The share of training leads at or above each cut point: A, B, C.
    public static let shares = (a: 0.10, b: 0.30, c: 0.60)

    /// The lowest score graded A.
    public let a: Int
    /// The lowest score graded B.
    public let b: Int
    /// The lowest score graded C; lower scores grade D.
    public let c: Int

    /// A scale with explicit cut points, `a ≥ b ≥ c`.
    public init(a: Int, b: Int, c: Int) {
        precondition(a >= b && b >= c, "Grade cut points must not increase from A to C.")
        self.a = a
        self.b = b
        self.c = c
    }

    /// The scale whose cut points are the training leads' scores at the 90th, 70th and 40th
    /// percentiles (the smallest score with at least that share of scores at or below it).
    ///
    /// - Parameter probabilities: The training leads' fitted probabilities; not empty.
    public init(fitting probabilities: [Double]) {
        precondition(!probabilities.isEmpty, "Need at least one probability.")
        let scores = probabilities.map(Self.score(probability:)).sorted()
        func percentile(_ q: Double) -> Int {
            let rank = Int((q * Double(scores.count)).rounded(.up))
            return scores[min(scores.count - 1, max(0, rank - 1))]
        }
        self.init(a: percentile(1 - Self.shares.a), b: percentile(1 - Self.shares.b), c: percentile(1 - Self.shares.c))
    }

    /// The score of a probability: `round(100·p)`, 0…100.
    @inline(__always)
    public static func score(probability p: Double) -> Int {
        Int((100 * min(max(p, 0), 1)).rounded())
    }

    /// The grade of a score.
    @inline(__always)
    public func grade(score: Int) -> Grade {
        score >= a ? .a : score >= b ? .b : score >= c ? .c : .d
    }
}

/// A lead's grade, A (most likely to close) to D.
public enum Grade: String, Codable, Sendable, CaseIterable {
    case a = "A", b = "B", c = "C", d = "D"
}
