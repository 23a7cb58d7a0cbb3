import Foundation

/// Fisher's exact test of a 2×2 table: whether the win rates of two groups differ.
///
///                  won    lost
///     group A       a      b
///     group B       c      d
///
/// Given the margins, `a` follows the hypergeometric distribution when the groups win at the
/// same rate. The two-sided p-value sums the probabilities of every table with these margins
/// that is at most as probable as the observed one, as scipy's `fisher_exact(table)` and R's
/// `fisher.test` define it. Exact at any size, so it is valid for the small cells a rep × source
/// table has, where the chi-squared approximation is not.
public enum FisherExactTest {
    /// The two-sided p-value of the table `[[a, b], [c, d]]`.
    ///
    /// A table with an empty row or column (nothing to compare) has p-value 1. Tables whose
    /// probability equals the observed one within a relative 10⁻⁷ count as at most as
    /// probable (R's tolerance), so that mirror-image tables are not lost to rounding.
    ///
    /// - Parameters: The four counts, non-negative.
    /// - Returns: The p-value, in (0, 1].
    /// - Complexity: O(min(a + b, a + c)), one pass over the hypergeometric support.
    public static func pValue(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Double {
        precondition(a >= 0 && b >= 0 && c >= 0 && d >= 0, "Counts are non-negative.")
        let rowA = a + b, rowB = c + d, won = a + c, total = a + b + c + d
        if rowA == 0 || rowB == 0 || won == 0 || won == total { return 1 }
        // The support of `a` given the margins.
        let low = max(0, won - rowB), high = min(rowA, won)
        // Probabilities relative to the one at `low`, by the ratio of consecutive terms
        // P(x + 1)/P(x) = (rowA − x)(won − x) / ((x + 1)(rowB − won + x + 1)), in logs so that
        // long supports cannot overflow; then scaled by the largest.
        var logTerms = [Double](repeating: 0, count: high - low + 1)
        for x in low..<high {
            let ratio = Double(rowA - x) * Double(won - x) / (Double(x + 1) * Double(rowB - won + x + 1))
            logTerms[x - low + 1] = logTerms[x - low] + log(ratio)
        }
        let largest = logTerms.max()!
        let terms = logTerms.map { exp($0 - largest) }
        let observed = terms[a - low]
        let threshold = observed * (1 + 1e-7)
        var total_ = 0.0, tail = 0.0
        for term in terms {
            total_ += term
            if term <= threshold { tail += term }
        }
        return min(1, tail / total_)
    }
}
