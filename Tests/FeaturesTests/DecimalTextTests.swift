import Features
import Foundation
import Testing

struct DecimalTextTests {
    @Test("fixed decimals agree with printf's %.Nf away from exact halves, with an optional plus sign")
    func fixed() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let value = Double.random(in: -2000...2000, using: &generator)
            for decimals in [0, 1, 2, 6] {
                var printf = String(format: "%.\(decimals)f", value)
                // printf keeps the sign of a negative value that rounds to zero ("-0.00"); reports drop it.
                if printf.hasPrefix("-"), printf.allSatisfy({ "-0.".contains($0) }) { printf.removeFirst() }
                #expect(DecimalText.fixed(value, decimals: decimals) == printf, "\(value)")
            }
            if abs(value) >= 0.005 {
                #expect(DecimalText.fixed(value, decimals: 2, plus: true) == String(format: "%+.2f", value), "\(value)")
            }
        }
        #expect(DecimalText.fixed(0.004, decimals: 2, plus: true) == "+0.00")
        #expect(DecimalText.fixed(-0.004, decimals: 2) == "0.00")
        #expect(DecimalText.fixed(2.5, decimals: 0) == "3")  // half away from zero (printf: "2")
        #expect(DecimalText.fixed(.infinity, decimals: 2) == "inf")
        #expect(DecimalText.fixed(1e10, decimals: 9) == "10000000000.0")  // too large to scale: described
    }

    @Test("readable numbers: integers whole, one decimal from 1, two significant digits below")
    func readable() {
        let cases: [(Double, String)] = [
            (12_500, "12500"), (-3, "-3"), (130.4, "130"), (99.96, "100"), (2.26, "2.3"), (1.04, "1"), (0.5, "0.5"),
            (0.031, "0.031"), (0.0123, "0.012"), (-0.25, "-0.25"), (0.000_012_3, "0.000012"), (-0.0000000001, "0"),
        ]
        for (value, text) in cases { #expect(DecimalText.readable(value) == text, "\(value)") }
    }

    @Test("grouped puts a comma between thousands, keeping fixed's digits")
    func grouped() {
        let cases: [(Double, Int, String)] = [
            (0, 0, "0"), (999, 0, "999"), (1000, 0, "1,000"), (-1234567.5, 2, "-1,234,567.50"), (76_825_500, 0, "76,825,500"),
            (123456.789, 1, "123,456.8"), (-0.004, 2, "0.00"), (999_999.5, 0, "1,000,000"), (.infinity, 0, "inf"),
        ]
        for (value, decimals, text) in cases { #expect(DecimalText.grouped(value, decimals: decimals) == text, "\(value)") }
        // Above fixed's range it keeps fixed's fallback rather than grouping an exponent.
        #expect(DecimalText.grouped(2e15) == DecimalText.fixed(2e15, decimals: 0))
    }
}
