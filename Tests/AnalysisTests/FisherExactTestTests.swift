import Analysis
import Testing

struct FisherExactTestTests {
    @Test("Two-sided p-values match scipy.stats.fisher_exact, mirror-image ties and empty margins included")
    func scipyReference() {
        for entry in StatisticsFixture.shared.fisher {
            let t = entry.table
            #expect(close(FisherExactTest.pValue(t[0], t[1], t[2], t[3]), entry.pValue, relative: 1e-10), "\(t)")
        }
    }

    @Test("By hand: [[3, 1], [1, 3]] is as extreme as 34/70 of tables with its margins")
    func byHand() {
        // Margins 4, 4 / 4, 4: P(a) = C(4,a)C(4,4−a)/C(8,4) = 1, 16, 36, 16, 1 over 70. Tables at
        // most as probable as a = 3 (16/70): a = 0, 1, 3, 4.
        #expect(abs(FisherExactTest.pValue(3, 1, 1, 3) - 34.0 / 70.0) < 1e-15)
        #expect(FisherExactTest.pValue(2, 2, 2, 2) == 1)
        #expect(abs(FisherExactTest.pValue(4, 0, 0, 4) - 2.0 / 70.0) < 1e-15)
    }
}
