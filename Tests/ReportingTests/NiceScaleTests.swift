import Reporting
import Testing

/// Axis ranges and ticks, worked out by hand: steps of 1, 2 or 5 × 10ᵏ, at most the maximum
/// number of ticks, covering the data.
struct NiceScaleTests {
    @Test("Ticks cover the data in steps of 1, 2 or 5 times a power of ten")
    func niceTicks() {
        let unit = NiceScale(lower: 0, upper: 1)
        #expect(unit.step == 0.2 && unit.lower == 0 && unit.upper == 1)
        #expect(unit.ticks.count == 6)
        #expect(unit.ticks.map { unit.label($0) } == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])

        // Span 0.58 over 5 gaps is 0.116: the next nice step is 0.2.
        let probabilities = NiceScale(covering: [0.03, 0.61])
        #expect(probabilities.step == 0.2 && probabilities.lower == 0 && probabilities.upper == 0.8)
        #expect(probabilities.ticks.map { probabilities.label($0, format: .percent) } == ["0%", "20%", "40%", "60%", "80%"])

        // Span 4.9 over 8 gaps is 0.6125: step 1, from −4 to 2.
        let coefficients = NiceScale(covering: [-3.2, 1.7], maximumTicks: 9)
        #expect(coefficients.step == 1 && coefficients.lower == -4 && coefficients.upper == 2)
        #expect(coefficients.ticks == [-4, -3, -2, -1, 0, 1, 2])

        let counts = NiceScale(covering: [123, 987], includingZero: true)
        #expect(counts.step == 200 && counts.lower == 0 && counts.upper == 1000)
        #expect(counts.label(400) == "400")
    }

    @Test("Never more ticks than asked for, whatever the span", arguments: [2, 3, 5, 6, 9, 12])
    func tickCountBound(maximum: Int) {
        for (low, high) in [(0.0, 1.0), (0.03, 0.61), (-3.2, 1.7), (123.0, 987.0), (1e-9, 7e-9), (0, 1e300), (-17, -16.99)] {
            let scale = NiceScale(lower: low, upper: high, maximumTicks: maximum)
            #expect(scale.ticks.count <= maximum, "\(low)…\(high)")
            // Covered to within a billionth of a step (the slack that keeps rounding from adding a tick).
            #expect(scale.lower <= low + 1e-9 * scale.step && scale.upper >= high - 1e-9 * scale.step, "\(low)…\(high)")
            #expect(scale.ticks.allSatisfy { $0.isFinite })
        }
    }

    @Test("Degenerate data still gives an axis of positive width: equal values, zeros, nothing, NaN")
    func degenerate() {
        // Equal values v are widened to v ± 10%: 4.5…5.5 at step 0.5 (step 0.2 would need 7 ticks).
        let five = NiceScale(covering: [5, 5, 5])
        #expect(five.lower == 4.5 && five.upper == 5.5 && five.step == 0.5)
        let zeros = NiceScale(covering: [0, 0])
        #expect(zeros.lower == 0 && zeros.upper == 1)
        let none = NiceScale(covering: [])
        #expect(none.lower == 0 && none.upper == 1)
        let nonFinite = NiceScale(covering: [.nan, .infinity, 3, -.infinity, 7])
        #expect(nonFinite.lower == 3 && nonFinite.upper == 7 && nonFinite.step == 1)
        let tiny = NiceScale(covering: [1, 1 + 1e-15])
        #expect(tiny.upper > tiny.lower && tiny.lower <= 1 && tiny.upper >= 1)
        let negative = NiceScale(covering: [-2, -2], includingZero: true)
        #expect(negative.lower == -2 && negative.upper == 0)
    }

    @Test("Labels never read -0, and numbers that are not finite read as a dash")
    func labels() {
        #expect(ChartNumber.fixed(-0.0001, decimals: 2) == "0.00")
        #expect(ChartNumber.fixed(-0.0, decimals: 0) == "0")
        #expect(ChartNumber.fixed(.nan, decimals: 2) == "–")
        #expect(NiceScale(lower: -1, upper: 1).label(-1e-17) == "0.0")
    }

    @Test("A linear scale maps the domain's ends to the pixel range and the middle to the middle")
    func linearScale() {
        let y = LinearScale(domain: 0...1, start: 300, end: 20)
        #expect(y(0) == 300 && y(1) == 20 && y(0.5) == 160 && y(0.25) == 230)
        #expect(y(2) == -260)  // outside the domain, outside the range
        let flat = LinearScale(domain: 3...3, start: 10, end: 50)
        #expect(flat(3) == 30 && flat(100) == 30)
    }

    @Test("Tick labels group thousands from 10,000 up, so revenue axes read 5,000,000")
    func groupedLabels() {
        let axis = ChartAxis(title: "Revenue", covering: [0, 17_267_400], includingZero: true)
        #expect(axis.ticks.map(axis.label) == ["0", "5,000,000", "10,000,000", "15,000,000", "20,000,000"])
        let small = ChartAxis(title: "Wins", covering: [0, 250], includingZero: true)
        #expect(small.ticks.map(small.label) == ["0", "50", "100", "150", "200", "250"])
        #expect(ChartNumber.number(-12_500.5, decimals: 1) == "-12,500.5" && ChartNumber.number(9999, decimals: 0) == "9999")
    }
}
