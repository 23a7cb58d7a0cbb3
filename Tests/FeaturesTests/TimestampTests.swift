@testable import Features
import Testing
import TestSupport

/// ISO 8601 parsing against Python's `datetime.fromisoformat(...).timestamp()`, and the id table.
struct TimestampTests {
    @Test("accepted shapes, against Python's datetime", arguments: [
        ("1970-01-01", 0.0),
        ("2025-03-04", 1_741_046_400),
        ("2000-02-29T23:59:59Z", 951_868_799),
        ("2025-03-04T14:05:09.250+02:00", 1_741_089_909.25),
        ("1969-12-31T23:00:00-0500", 14_400),
        ("2100-03-01 00:00", 4_107_542_400),
        ("2025-03-04T14:05:09", 1_741_097_109),
        ("2025-03-04T14:05:09+02", 1_741_089_909),
        // The fixed shape YYYY-MM-DDTHH:MM:SSZ, which has a reader of its own.
        ("1999-12-31T23:59:59Z", 946_684_799),
        ("2024-02-29T12:34:56Z", 1_709_210_096),
        ("1900-03-01T00:00:00Z", -2_203_891_200),
        ("2038-01-19T03:14:08Z", 2_147_483_648),
        ("0001-01-01T00:00:00Z", -62_135_596_800),
        ("9999-12-31T23:59:59Z", 253_402_300_799),
        ("2024-02-29t12:34:56z", 1_709_210_096),
    ])
    func accepted(text: String, seconds: Double) {
        #expect(Timestamp.seconds(from: text) == seconds)
    }

    @Test("impossible dates and other shapes are refused", arguments: [
        "", "2025-3-4", "2025-02-29", "1900-02-29", "2025-04-31", "2025-13-01", "2025-03-04T24:00", "2025-03-04T12:60",
        "2025-03-04T12:00:60", "2025-03-04T12", "2025-03-04T12:00:00.", "2025-03-04T12:00:00Zs", "2025-03-04T12:00+2:00",
        "04/03/2025", "2025-03-04 ", "now",
        "2025-02-29T00:00:00Z", "2025-03-04T24:00:00Z", "2025-03-04T12:60:00Z", "2025-03-04T12:00:60Z",
        "2O25-03-04T12:00:00Z", "2025-00-04T12:00:00Z", "2025-03-00T12:00:00Z", "2025-03-04T12:00:00X", "2025-03-04T12:0a:00Z",
    ])
    func refused(text: String) {
        #expect(Timestamp.seconds(from: text) == nil)
    }

    @Test("formatting inverts parsing, fractions included")
    func formatting() {
        for text in ["1970-01-01T00:00:00Z", "2025-03-04T14:05:09Z", "2000-02-29T23:59:59.25Z", "1969-12-31T23:00:00Z", "2400-02-29T12:00:00Z"] {
            #expect(Timestamp.string(from: Timestamp.seconds(from: text)!) == text)
        }
        // Every day of four centuries round-trips through the civil-date arithmetic.
        for days in stride(from: -146_097, through: 146_097, by: 1) {
            let (y, m, d) = Timestamp.civilFromDays(days)
            #expect(Timestamp.daysFromCivil(year: y, month: m, day: d) == days)
        }
    }

    @Test("the fixed shape reads the same instants as the same text with a +00:00 offset")
    func fixedShapeAgreesWithGeneralReader() {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<20_000 {
            let seconds = Double(Int.random(in: -5_000_000_000...10_000_000_000, using: &generator))
            let text = Timestamp.string(from: seconds)
            #expect(text.utf8.count == 20 && text.hasSuffix("Z"))
            #expect(Timestamp.seconds(from: text) == seconds, "\(text)")
            #expect(Timestamp.seconds(from: String(text.dropLast()) + "+00:00") == seconds, "\(text)")
        }
    }

    @Test("the fixed-shape reader agrees with the general one, or declines, with any byte of the text changed")
    func fixedShapeBytes() {
        var generator = SeededGenerator(seed: 12)
        // Bytes around the digits and separators, and others.
        let replacements: [UInt8] = [0x00, 0x20, 0x2B, 0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x32, 0x35, 0x39, 0x3A, 0x3F, 0x40,
                                     0x54, 0x5A, 0x74, 0x7A, 0xB0, 0xFF]
        for _ in 0..<200 {
            let text = Array(Timestamp.string(from: Double(Int.random(in: -3_000_000_000...6_000_000_000,
                                                                      using: &generator))).utf8)
            for position in 0..<20 {
                for byte in replacements {
                    var changed = text
                    changed[position] = byte
                    changed.withUnsafeBufferPointer { bytes in
                        let general = Timestamp.anyShapeSeconds(bytes)
                        let fixed = Timestamp.fixedShapeSeconds(bytes)
                        // Only a space or t for the T, and z for the Z, are shapes the general reader alone reads.
                        let otherShape = (position == 10 && (byte == 0x20 || byte == 0x74)) || (position == 19 && byte == 0x7A)
                        #expect(fixed == general || (fixed == nil && otherShape), "\(String(decoding: changed, as: UTF8.self))")
                    }
                }
            }
        }
    }

    @Test("a key batch finds short, 16-byte and long keys, and misses unknown and missing ones")
    func keyBatch() {
        var table = ByteStringTable()
        let stored = ["P1", "P1234", "P1234567", "P12345678", "exactly-16-bytes", "a-rather-long-contact-id-7", "é"]
        for key in stored { table.insert(key) }
        // Runs of one key (which the batch marks as repeats) included.
        let asked: [String?] = ["P1234567", nil, "a-rather-long-contact-id-7", "a-rather-long-contact-id-8", "exactly-16-bytes",
                                "P123456", "P12345678", "é", "P1", "exactly-16-bytez", "P1234", "P1234", "P1234", "P123456",
                                "P123456", nil, nil, "P1", "a-rather-long-contact-id-7", "a-rather-long-contact-id-7", "P12"]
        let batch = ByteStringTable.KeyBatch(asked, for: nil)
        var found: [Int32] = []
        table.lookUp(batch, into: &found)
        #expect(found == [2, -1, 5, -1, 4, -1, 3, 6, 0, -1, 1, 1, 1, -1, -1, -1, -1, 0, 5, 5, -1])
        for (i, key) in asked.enumerated() {
            #expect(batch.isMissing(i) == (key == nil))
            #expect(batch.key(at: i) == key ?? "")
        }
    }

    @Test("the byte-keyed id table: dense indices, short and long keys, growth")
    func idTable() {
        var table = ByteStringTable()
        let keys = (0..<5_000).map { $0 % 3 == 0 ? "a-rather-long-contact-id-\($0)" : "L\($0)" } + ["", "é-ünïcode"]
        for (index, key) in keys.enumerated() {
            #expect(table.insert(key) == (index, true))
        }
        for (index, key) in keys.enumerated() {
            #expect(table.index(of: key) == index)
            #expect(table.insert(key) == (index, false))
            #expect(table.key(at: index) == key)
        }
        #expect(table.index(of: "L5000") == nil)
        #expect(table.index(of: "a-rather-long-contact-id-4") == nil)  // same first 16 bytes as stored keys
        #expect(table.count == keys.count)
    }
}
