import Testing

@testable import Scoring

/// The formatting the score files use instead of printf.
struct ByteBufferTests {
    func text(_ build: (inout ByteBuffer) -> Void) -> String {
        var buffer = ByteBuffer()
        build(&buffer)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    @Test("six decimals agree with %.6f on values in [0, 1], and clamp outside it")
    func fixed6() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, 1, 0.5, 0.25, 0.9999996, 1e-7, 0.0000004]
        values += (0..<2000).map { _ in Double.random(in: 0...1, using: &generator) }
        for value in values {
            // %.6f rounds the binary value half to even; both agree except exactly at halves,
            // which random doubles do not hit.
            #expect(text { $0.appendFixed6(value) } == String(format: "%.6f", value), "\(value)")
        }
        #expect(text { $0.appendFixed6(-0.1) } == "0.000000")
        #expect(text { $0.appendFixed6(1.5) } == "1.000000")
    }

    @Test("CSV fields are quoted only when they must be, quotes doubled")
    func csv() {
        #expect(text { $0.appendCSVField("plain text: +0.61") } == "plain text: +0.61")
        #expect(text { $0.appendCSVField("a, b") } == "\"a, b\"")
        #expect(text { $0.appendCSVField("say \"hi\"") } == "\"say \"\"hi\"\"\"")
        #expect(text { $0.appendCSVField("two\nlines") } == "\"two\nlines\"")
    }

    @Test("JSON strings escape quotes, backslashes and control characters")
    func json() {
        #expect(text { $0.appendJSONString("a \"b\" \\ c\n\t\u{1}é") } == #""a \"b\" \\ c\n\t\u0001é""#)
    }
}
