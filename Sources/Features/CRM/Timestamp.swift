/// ISO 8601 timestamps as seconds since 1970-01-01T00:00:00Z.
///
/// CRM exports write instants in a handful of ISO 8601 shapes; these are the ones read:
///
/// | text | meaning |
/// |---|---|
/// | `2025-03-04` | midnight UTC at the start of that day |
/// | `2025-03-04T14:05` or `2025-03-04 14:05` | that minute, UTC |
/// | `2025-03-04T14:05:09`, `…:09.250` | that second (fractions to any precision), UTC |
/// | `…Z`, `…+02:00`, `…-0500`, `…+02` | with a UTC offset |
///
/// A time without an offset is taken as UTC. Instants are `Double` seconds: exact to the
/// microsecond for any date between the years 1900 and 2200, which is what comparing an event
/// with a cut-off needs.
public enum Timestamp {
    /// Seconds in a day.
    public static let secondsPerDay = 86_400.0

    /// The instant `text` names, or `nil` when it is not one of the accepted shapes or names an
    /// impossible date or time (such as February 30 or 25:00).
    public static func seconds(from text: String) -> Double? {
        var text = text
        return text.withUTF8 { seconds(from: $0) }
    }

    /// The instant the UTF-8 `bytes` name; see `seconds(from:)` for strings.
    public static func seconds(from bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        if bytes.count == 20, let seconds = fixedShapeSeconds(bytes) { return seconds }
        return anyShapeSeconds(bytes)
    }

    /// The general reader of every accepted shape.
    static func anyShapeSeconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var cursor = 0
        let count = bytes.count
        // The helpers take the cursor inout: a local function capturing it would box it and
        // check exclusivity at run time on every digit.

        guard let year = Self.digits(bytes, &cursor, 4), Self.take(bytes, &cursor, 0x2D),
              let month = Self.digits(bytes, &cursor, 2), Self.take(bytes, &cursor, 0x2D),
              let day = Self.digits(bytes, &cursor, 2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * secondsPerDay
        if cursor == count { return seconds }

        guard Self.take(bytes, &cursor, 0x54) || Self.take(bytes, &cursor, 0x20) || Self.take(bytes, &cursor, 0x74),  // T, space, t
              let hour = Self.digits(bytes, &cursor, 2), hour < 24, Self.take(bytes, &cursor, 0x3A),
              let minute = Self.digits(bytes, &cursor, 2), minute < 60
        else { return nil }
        var second = 0.0
        if Self.take(bytes, &cursor, 0x3A) {
            guard let whole = Self.digits(bytes, &cursor, 2), whole < 60 else { return nil }
            second = Double(whole)
            if Self.take(bytes, &cursor, 0x2E) || Self.take(bytes, &cursor, 0x2C) {  // . or , before a fraction
                var fraction = 0.0
                var scale = 0.1
                let start = cursor
                while cursor < count, bytes[cursor] &- 0x30 < 10 {
                    fraction += Double(bytes[cursor] &- 0x30) * scale
                    scale /= 10
                    cursor += 1
                }
                guard cursor > start else { return nil }
                second += fraction
            }
        }
        seconds += Double(hour * 3600 + minute * 60) + second
        if cursor == count { return seconds }

        if Self.take(bytes, &cursor, 0x5A) || Self.take(bytes, &cursor, 0x7A) {  // Z
            return cursor == count ? seconds : nil
        }
        let sign: Double
        if Self.take(bytes, &cursor, 0x2B) {
            sign = 1
        } else if Self.take(bytes, &cursor, 0x2D) {
            sign = -1
        } else {
            return nil
        }
        guard let offsetHours = Self.digits(bytes, &cursor, 2), offsetHours <= 23 else { return nil }
        var offsetMinutes = 0
        if cursor < count {
            _ = Self.take(bytes, &cursor, 0x3A)
            guard let minutes = Self.digits(bytes, &cursor, 2), minutes < 60 else { return nil }
            offsetMinutes = minutes
        }
        guard cursor == count else { return nil }
        // Local time = UTC + offset, so UTC = local − offset.
        return seconds - sign * Double(offsetHours * 3600 + offsetMinutes * 60)
    }

    /// The shape most exports write, `YYYY-MM-DDTHH:MM:SSZ`, read a machine word at a time (the
    /// event pass reads one per row); `nil` for any other shape, and for an impossible date or
    /// time, which the general reader then refuses.
    ///
    /// The 20 bytes are three loads; separators are compared and digits checked under masks,
    /// all at once. Every value is a whole number of seconds well below 2⁵³, so summing in
    /// integers gives exactly the general reader's `Double`.
    @inline(__always)
    static func fixedShapeSeconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard bytes.count == 20, let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        // Byte k of a word is bits 8k ..< 8k + 8. `YYYY-MM-`, `DDTHH:MM`, `:SSZ`.
        let w0 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        let w1 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let w2 = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self)))
        // The separators: - at 4 and 7; T at 10 and : at 13; : at 16 and Z at 19.
        guard w0 & 0xFF00_00FF_0000_0000 == 0x2D00_002D_0000_0000, w1 & 0x0000_FF00_00FF_0000 == 0x0000_3A00_0054_0000,
              w2 & 0xFF00_00FF == 0x5A00_003A,
              Self.areDigits(w0, at: 0x00FF_FF00_FFFF_FFFF), Self.areDigits(w1, at: 0xFFFF_00FF_FF00_FFFF),
              Self.areDigits(w2, at: 0x00FF_FF00)
        else { return nil }
        func digit(_ word: UInt64, _ k: UInt64) -> Int { Int((word >> (8 * k)) & 0x0F) }
        func pair(_ word: UInt64, _ k: UInt64) -> Int { digit(word, k) * 10 + digit(word, k + 1) }
        let year = pair(w0, 0) * 100 + pair(w0, 2), month = pair(w0, 5), day = pair(w1, 0)
        let hour = pair(w1, 3), minute = pair(w1, 6), second = pair(w2, 1)
        guard month >= 1, month <= 12, day >= 1, hour < 24, minute < 60, second < 60,
              day <= 28 || day <= daysIn(month: month, year: year)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second)
    }

    /// Whether every byte of `word` that `mask` covers (with 0xFF) is an ASCII digit: its high
    /// half is 3, and still 3 after adding 6 (0x3A–0x3F become 0x40–0x45).
    @inline(__always)
    private static func areDigits(_ word: UInt64, at mask: UInt64) -> Bool {
        let high = 0xF0F0_F0F0_F0F0_F0F0 & mask, three = 0x3030_3030_3030_3030 & mask
        return word & high == three && (word &+ (0x0606_0606_0606_0606 & mask)) & high == three
    }

    /// `seconds` as `YYYY-MM-DDTHH:MM:SSZ` (with a fraction when it has one), the shape reports
    /// and files write.
    public static func string(from seconds: Double) -> String {
        let wholeDays = (seconds / secondsPerDay).rounded(.down)
        let (year, month, day) = civilFromDays(Int(wholeDays))
        let secondOfDay = seconds - wholeDays * secondsPerDay
        let whole = Int(secondOfDay.rounded(.down))
        let fraction = secondOfDay - Double(whole)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
            + "\(pad(whole / 3600, 2)):\(pad(whole / 60 % 60, 2)):\(pad(whole % 60, 2))"
        if fraction >= 0.000_000_5 {
            let micros = Int((fraction * 1_000_000).rounded())
            var digits = pad(min(micros, 999_999), 6)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "Z"
    }

    /// The `n`-digit number at `cursor`, moving past it; `nil` if there are not `n` digits.
    @inline(__always)
    private static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ cursor: inout Int, _ n: Int) -> Int? {
        guard cursor + n <= bytes.count else { return nil }
        var value = 0
        for k in 0..<n {
            let digit = bytes[cursor + k] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        cursor += n
        return value
    }

    /// Moves past `byte` if it is at `cursor`.
    @inline(__always)
    private static func take(_ bytes: UnsafeBufferPointer<UInt8>, _ cursor: inout Int, _ byte: UInt8) -> Bool {
        guard cursor < bytes.count, bytes[cursor] == byte else { return false }
        cursor += 1
        return true
    }

    static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (negative before 1970).
    ///
    /// Counts in 400-year eras of 146,097 days, with years starting on March 1 so that the leap
    /// day falls at the end of the year.
    @inline(__always)
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysFromCivil`.
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
