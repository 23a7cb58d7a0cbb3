import TestSupport
import Testing

@testable import Scoring

/// The grade cut points from a histogram of scores, as the parts of a distributed fit count
/// them, equal those of the definition applied to the sorted scores.
struct GradeScaleTests {
    /// The definition, on the sorted scores: the lowest score that at most `share` of the
    /// leads reach, moved above a score tied across that position.
    static func reference(_ probabilities: [Double]) -> GradeScale {
        let scores = probabilities.map(GradeScale.score(probability:)).sorted()
        let n = scores.count
        func cut(_ share: Double) -> Int {
            let allowed = Int((share * Double(n)).rounded(.down))
            if allowed == 0 { return min(100, scores[n - 1] + 1) }
            let lowest = scores[n - allowed]
            return n - allowed > 0 && scores[n - allowed - 1] == lowest ? min(100, lowest + 1) : lowest
        }
        return GradeScale(a: cut(0.10), b: cut(0.30), c: cut(0.60))
    }

    @Test("cut points from score counts equal those from the probabilities, ties and all",
          arguments: [1, 7, 10, 99, 1000, 4321])
    func countsEqualProbabilities(n: Int) {
        var random = SeededGenerator(seed: UInt64(n))
        // Probabilities bunched on few scores, so that ties straddle the cut positions.
        let probabilities = (0..<n).map { _ in (Double(Int.random(in: 0...12, using: &random)) * 0.07).squareRoot().rounded(toPlaces: 3) }
        var counts = [Int](repeating: 0, count: 101)
        for p in probabilities { counts[GradeScale.score(probability: p)] += 1 }
        #expect(GradeScale(scoreCounts: counts) == Self.reference(probabilities))
        #expect(GradeScale(fitting: probabilities) == Self.reference(probabilities))
    }
}

private extension Double {
    func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
