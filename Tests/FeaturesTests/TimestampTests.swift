@testable import Features
import Testing

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
    ])
    func accepted(text: String, seconds: Double) {
        #expect(Timestamp.seconds(from: text) == seconds)
    }

    @Test("impossible dates and other shapes are refused", arguments: [
        "", "2025-3-4", "2025-02-29", "1900-02-29", "2025-04-31", "2025-13-01", "2025-03-04T24:00", "2025-03-04T12:60",
        "2025-03-04T12:00:60", "2025-03-04T12", "2025-03-04T12:00:00.", "2025-03-04T12:00:00Zs", "2025-03-04T12:00+2:00",
        "04/03/2025", "2025-03-04 ", "now",
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
