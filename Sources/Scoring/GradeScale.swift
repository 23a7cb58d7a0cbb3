/// How a probability becomes the 0–100 score and the A–D grade that reps read.
///
/// The score is the close probability in percent, rounded: a score of 37 means a 37% chance.
/// The grade ranks a lead against the leads the model was trained on. Each cut point is the
/// lowest score that at most 10% (A), 30% (A or B) and 60% (A to C) of the training leads
/// reach; the rest grade D. Ties between whole-number scores can make a grade's share smaller,
/// never larger. The cut points are kept in the model, so a grade means the same thing for
/// every lead a model scores (a retrained model has cut points of its own).
public struct GradeScale: Codable, Equatable, Sendable {
    /// The most training leads, as shares, at or above each cut point: A, B, C.
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

    /// The scale whose cut points are the lowest scores that at most 10%, 30% and 60% of the
    /// training leads reach (at most 100).
    ///
    /// - Parameter probabilities: The training leads' fitted probabilities; not empty.
    public init(fitting probabilities: [Double]) {
        precondition(!probabilities.isEmpty, "Need at least one probability.")
        var counts = [Int](repeating: 0, count: 101)
        for p in probabilities { counts[Self.score(probability: p)] += 1 }
        self.init(scoreCounts: counts)
    }

    /// Fits the cut points to how many training leads have each score: the same cut points as
    /// `init(fitting:)` on their probabilities, from a histogram that parts of the rows can
    /// each count (`PassRequest.percentHistogram`).
    ///
    /// - Parameter scoreCounts: 101 counts, of scores 0 … 100; at least one lead.
    public init(scoreCounts counts: [Int]) {
        precondition(counts.count == 101 && counts.allSatisfy { $0 >= 0 } && counts.contains { $0 > 0 },
                     "Need 101 counts, not all zero.")
        let n = counts.reduce(0, +)
        // The score at `position` of the sorted scores.
        func score(at position: Int) -> Int {
            var seen = 0
            for (score, count) in counts.enumerated() {
                seen += count
                if position < seen { return score }
            }
            preconditionFailure("Position \(position) is past \(n) scores.")
        }
        func cut(_ share: Double) -> Int {
            // Scores from position `n - allowed` up are the top `allowed`; a tie across that
            // position moves the cut above the tied score.
            let allowed = Int((share * Double(n)).rounded(.down))
            if allowed == 0 { return min(100, score(at: n - 1) + 1) }
            let lowest = score(at: n - allowed)
            return n - allowed > 0 && score(at: n - allowed - 1) == lowest ? min(100, lowest + 1) : lowest
        }
        self.init(a: cut(Self.shares.a), b: cut(Self.shares.b), c: cut(Self.shares.c))
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
