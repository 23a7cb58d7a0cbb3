import Foundation

/// How p-values of many tests at once are adjusted, so that flags stay trustworthy when a
/// table has dozens of rep × source cells (at the 5% level, about one cell in twenty of a table
/// without any real difference would be flagged by chance).
///
/// Each method turns p-values into adjusted p-values; a test is flagged when its adjusted
/// p-value is at most the level. The same numbers as statsmodels'
/// `multipletests(p, alpha, method)` with `fdr_bh`, `fdr_by` and `holm`.
public enum MultipleComparisonCorrection: String, Codable, CaseIterable, Sendable {
    /// Benjamini–Hochberg: controls the false discovery rate, the expected share of flags
    /// that are false, when the tests are independent or positively dependent.
    ///
    ///     q₍ᵢ₎ = minⱼ≥ᵢ (m / j) p₍ⱼ₎
    case benjaminiHochberg = "bh"
    /// Benjamini–Yekutieli: the false discovery rate under any dependence between the tests,
    /// at the price of a factor `Σₖ₌₁ᵐ 1/k` (about 5 for 100 tests).
    case benjaminiYekutieli = "by"
    /// Holm: controls the family-wise error rate, the chance of any false flag, under any
    /// dependence; the strictest of the three.
    ///
    ///     p̃₍ᵢ₎ = maxⱼ≤ᵢ min(1, (m − j + 1) p₍ⱼ₎)
    case holm

    /// What the level controls, in words.
    public var errorRate: String {
        switch self {
        case .benjaminiHochberg, .benjaminiYekutieli: "false discovery rate"
        case .holm: "family-wise error rate"
        }
    }

    /// The method's name in words.
    public var name: String {
        switch self {
        case .benjaminiHochberg: "Benjamini–Hochberg"
        case .benjaminiYekutieli: "Benjamini–Yekutieli"
        case .holm: "Holm"
        }
    }

    /// The adjusted p-values of `pValues`, in the same order, each within [p, 1].
    ///
    /// - Complexity: O(m log m) for m p-values.
    public func adjusted(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        guard m > 0 else { return [] }
        // Ascending order; ties in input order, which does not change the adjusted values.
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] || (pValues[$0] == pValues[$1] && $0 < $1) }
        var result = [Double](repeating: 0, count: m)
        switch self {
        case .benjaminiHochberg, .benjaminiYekutieli:
            let factor = self == .benjaminiYekutieli ? (1...m).reduce(0.0) { $0 + 1 / Double($1) } : 1
            var running = 1.0
            for rank in stride(from: m, through: 1, by: -1) {
                let index = order[rank - 1]
                running = min(running, factor * Double(m) / Double(rank) * pValues[index])
                result[index] = min(1, running)
            }
        case .holm:
            var running = 0.0
            for rank in 1...m {
                let index = order[rank - 1]
                running = max(running, min(1, Double(m - rank + 1) * pValues[index]))
                result[index] = running
            }
        }
        return result
    }
}
