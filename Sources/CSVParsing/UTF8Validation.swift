/// Checks bytes against the UTF-8 encoding form (Unicode 15, table 3-7).
enum UTF8Validation {
    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or
    /// `nil` when all of `bytes` is well-formed.
    ///
    /// Overlong forms, surrogates (U+D800–U+DFFF), code points above U+10FFFF and truncated
    /// sequences are all ill-formed. The offset is that of the sequence's first byte.
    ///
    /// - Complexity: O(*n*).
    static func firstInvalidOffset(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = bytes.count
        var i = 0
        while i < count {
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            // The allowed range of the second byte depends on the lead byte; the rest are
            // always 0x80...0xBF.
            let length: Int
            var secondLow: UInt8 = 0x80
            var secondHigh: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondLow = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; secondHigh = 0x9F
            case 0xF0: length = 4; secondLow = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; secondHigh = 0x8F
            default: return i
            }
            guard i + length <= count else { return i }
            let second = bytes[i + 1]
            guard second >= secondLow && second <= secondHigh else { return i }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 {
                return i
            }
            i += length
        }
        return nil
    }
}
