import Analysis
import Testing

struct MultipleComparisonCorrectionTests {
    @Test("Adjusted p-values and rejections match statsmodels' multipletests (fdr_bh, fdr_by, holm)")
    func statsmodelsReference() {
        let methods: [String: MultipleComparisonCorrection] = ["fdr_bh": .benjaminiHochberg, "fdr_by": .benjaminiYekutieli,
                                                               "holm": .holm]
        for entry in StatisticsFixture.shared.multipleTesting {
            let adjusted = methods[entry.method]!.adjusted(entry.pValues)
            #expect(adjusted.count == entry.adjusted.count)
            for (mine, theirs) in zip(adjusted, entry.adjusted) {
                #expect(close(mine, theirs, relative: 1e-13), "\(entry.method)")
            }
            #expect(adjusted.map { $0 <= entry.alpha } == entry.reject, "\(entry.method) at \(entry.alpha)")
        }
    }

    @Test("By hand: Benjamini–Hochberg and Holm on four p-values")
    func byHand() {
        let p = [0.01, 0.04, 0.03, 0.2]
        // BH: sorted 0.01, 0.03, 0.04, 0.2 → 4·0.01/1, 4·0.03/2, 4·0.04/3, 4·0.2/4, then running minima from the top.
        let bh = MultipleComparisonCorrection.benjaminiHochberg.adjusted(p)
        for (a, b) in zip(bh, [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.2]) { #expect(abs(a - b) < 1e-15) }
        // Holm: 4·0.01, 3·0.03, 2·0.04, 1·0.2, then running maxima from the bottom.
        let holm = MultipleComparisonCorrection.holm.adjusted(p)
        for (a, b) in zip(holm, [0.04, 0.09, 0.09, 0.2]) { #expect(abs(a - b) < 1e-15) }
        #expect(MultipleComparisonCorrection.holm.adjusted([]) == [])
    }
}
