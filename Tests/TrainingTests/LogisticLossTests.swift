import Foundation
import TestSupport
import Testing
@testable import Training

/// The cheaper forms of `log1p` the passes use, against the C library's `log1p`.
struct LogisticLossTests {
    /// Values in [0, 1] spanning every scale: zero, subnormals, the edges 2⁻⁵³ and 2⁻²⁶ where
    /// `1 + e` starts to round, and random values at each binary exponent down to 2⁻⁶⁰.
    static func unitValues(count: Int) -> [Double] {
        var rng = SeededGenerator(seed: 7)
        let edges: [Double] = [0, 5e-324, 1e-300, 0x1p-60, 0x1p-53, 0x1.0000000000001p-53, 0x1p-27, 0x1p-26,
                               0x1.fffffffffffffp-27, 0x1p-20, 1e-8, 0.25, 0.5, 0.999999, 1]
        return edges + (0..<count).map { _ in
            Double.random(in: 0.5..<1, using: &rng) * pow(2, -Double(Int.random(in: 0...60, using: &rng)))
        }
    }

    @Test("log1pOfUnit is within 2 ulps of log1p on [0, 1]")
    func log1pOfUnit() {
        for e in Self.unitValues(count: 20_000) {
            let exact = log1p(e)
            #expect(abs(LogisticLoss.log1pOfUnit(e) - exact) <= 2 * exact.ulp, "e = \(e)")
        }
    }

    @Test("Log1pSum, a log per 16 values, sums log1p as closely as a compensated sum of log1p, to 4e-16 a value")
    func log1pSum() {
        for count in [0, 1, 15, 16, 17, 10_000] {
            let values = Self.unitValues(count: count)
            var sum = Log1pSum()
            // Kahan summation of the library's log1p: the reference.
            var reference = 0.0, compensation = 0.0
            for e in values {
                sum.add(e)
                let term = log1p(e) - compensation
                let next = reference + term
                compensation = (next - reference) - term
                reference = next
            }
            #expect(abs(sum.total - reference) <= 4e-16 * Double(values.count) + reference.ulp, "\(values.count) values")
        }
        // Values that `1 + e` would round away still count, each to its own relative accuracy.
        var tiny = Log1pSum()
        for _ in 0..<1_000 { tiny.add(1e-20) }
        #expect(abs(tiny.total - 1e-17) <= 1e-30)
        var empty = Log1pSum()
        #expect(empty.total == 0)
        empty.add(0)
        #expect(empty.total == 0)
    }
}
