extension CSVRecord {
    /// The field at `index` read as a `Double`, parsed straight from its bytes; `nil` when the
    /// field is missing or is not a number.
    ///
    /// The result is exactly `Double(record[index])`: the same text is accepted (an optional
    /// sign, decimal digits with an optional `.`, an optional `e`/`E` exponent, and also
    /// `inf`, `nan` and hexadecimal forms) and gives the same, correctly rounded, value. No
    /// whitespace is allowed, so ` 1.5` is `nil`. Plain decimals with at most 19 significant
    /// digits, a significand below 2⁵³ and a decimal exponent within ±22 — which covers amounts,
    /// rates and counts — are converted without allocating; other text goes through
    /// `Double(_: String)`.
    ///
    /// - Parameter index: A field index, `0..<count`.
    /// - Returns: The value, or `nil` for a missing field or text that is not a number.
    /// - Complexity: O(*m*) in the length of the field.
    public func double(at index: Int) -> Double? {
        withView { $0.double(at: index) }
    }
}

/// Parses decimal numbers from UTF-8 bytes the way `Double(_: String)` does.
enum CSVNumberParser {
    /// The exactly representable powers of ten, 10⁰ through 10²².
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// `Double(String(decoding: bytes, as: UTF8.self))`, without the string when possible.
    static func double(from bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        if let value = fastDecimal(bytes) { return value }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    /// The value of `bytes` when it is a plain decimal that Clinger's fast path converts exactly,
    /// else `nil` (which says nothing about whether the text is a number).
    ///
    /// When the significand `w` is below 2⁵³ and `|e| ≤ 22`, both `w` and `10^|e|` are exact
    /// doubles, so one IEEE multiplication or division rounds `w × 10^e` correctly.
    private static func fastDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let count = bytes.count
        var i = 0
        guard count > 0 else { return nil }
        var negative = false
        if bytes[0] == 0x2D {  // -
            negative = true
            i = 1
        } else if bytes[0] == 0x2B {  // +
            i = 1
        }

        var significand: UInt64 = 0
        var significantDigits = 0
        var sawDigit = false
        var exponent = 0
        var sawPoint = false
        while i < count {
            if bytes[i] == 0x2E && !sawPoint {  // .
                sawPoint = true
                i += 1
                continue
            }
            let digit = bytes[i] &- 0x30
            guard digit < 10 else { break }
            sawDigit = true
            if significand != 0 || digit != 0 {
                guard significantDigits < 19 else { return nil }
                significand = significand &* 10 &+ UInt64(digit)
                significantDigits += 1
            }
            // Digits after the point scale the significand down.
            if sawPoint { exponent -= 1 }
            i += 1
        }
        guard sawDigit else { return nil }
        if i < count && (bytes[i] | 0x20) == 0x65 {  // e or E
            i += 1
            var exponentNegative = false
            if i < count && (bytes[i] == 0x2D || bytes[i] == 0x2B) {
                exponentNegative = bytes[i] == 0x2D
                i += 1
            }
            var explicitExponent = 0
            var sawExponentDigit = false
            while i < count {
                let digit = bytes[i] &- 0x30
                guard digit < 10 else { break }
                sawExponentDigit = true
                // Beyond this the value is 0 or infinite anyway; the cap only avoids overflow.
                if explicitExponent < 100_000 { explicitExponent = explicitExponent * 10 + Int(digit) }
                i += 1
            }
            guard sawExponentDigit else { return nil }
            exponent += exponentNegative ? -explicitExponent : explicitExponent
        }
        guard i == count else { return nil }

        if significand == 0 { return negative ? -0.0 : 0.0 }
        guard significand <= 1 << 53, exponent >= -22, exponent <= 22 else { return nil }
        var value = Double(significand)
        if exponent > 0 {
            value *= powersOfTen[exponent]
        } else if exponent < 0 {
            value /= powersOfTen[-exponent]
        }
        return negative ? -value : value
    }
}
