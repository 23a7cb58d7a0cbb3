import Testing

@testable import Features

/// The id table: dense indices in insertion order, found again from bytes, with or without
/// room reserved up front.
struct ByteStringTableTests {
    static let keys: [String] = (0..<5000).map { k in
        // Short, exactly 8 and 16 bytes, and long keys, with shared prefixes.
        switch k % 4 {
        case 0: return "L\(k)"
        case 1: return String("C\(k)0000000".prefix(8))
        case 2: return "contact-\(k)-abcdefghijklmnop".prefix(16) + ""
        default: return "a-long-identifier-with-a-common-prefix-\(k)"
        }
    }

    @Test("indices follow first insertion, repeats are found, unknown keys are not; reserving changes nothing")
    func insertAndFind() {
        for reserve in [0, 10, 6000] {
            var table = ByteStringTable()
            if reserve > 0 { table.reserveCapacity(reserve) }
            var expected: [String: Int] = [:]
            for key in Self.keys + Self.keys.reversed() {
                let (index, inserted) = table.insert(key)
                #expect(inserted == (expected[key] == nil), "\(key)")
                if inserted { expected[key] = expected.count }
                #expect(index == expected[key], "\(key)")
            }
            #expect(table.count == Set(Self.keys).count)
            for (key, index) in expected {
                #expect(table.index(of: key) == index)
                #expect(table.key(at: index) == key)
            }
            #expect(table.index(of: "L999999") == nil && table.index(of: "") == nil)
        }
    }
}

/// Ids that are one prefix and a number are found by number; every other key, and every key
/// once one of another form arrives, by hash: the indices are the same either way.
struct NumberedByteStringTableTests {
    /// Looks every key of `keys` up in one batch, as the events pass does; a batch made for the
    /// table reads numbers as keys are appended.
    func batchIndices(_ table: ByteStringTable, _ keys: [String?], madeForTable: Bool) -> [Int32] {
        var result: [Int32] = []
        table.lookUp(ByteStringTable.KeyBatch(keys, for: madeForTable ? table : nil), into: &result)
        return result
    }

    /// Inserts `keys` in order and checks every index against a dictionary, by single lookups
    /// and in a batch, together with keys that were never inserted.
    func check(inserting keys: [String], absent: [String], byNumber: Bool) {
        var table = ByteStringTable()
        var expected: [String: Int] = [:]
        for key in keys {
            let (index, inserted) = table.insert(key)
            #expect(inserted == (expected[key] == nil), "\(key)")
            if inserted { expected[key] = expected.count }
            #expect(index == expected[key], "\(key)")
        }
        #expect(table.count == expected.count && table.findsByNumber == byNumber)
        let probes = Array(expected.keys) + absent
        for key in probes {
            #expect(table.index(of: key) == expected[key], "\(key)")
        }
        let batch: [String?] = probes.flatMap { [$0, $0, nil] }   // repeats and missing keys too
        let indices = batch.map { $0.flatMap { expected[$0] }.map(Int32.init) ?? -1 }
        #expect(batchIndices(table, batch, madeForTable: false) == indices)
        #expect(batchIndices(table, batch, madeForTable: true) == indices)
        for (key, index) in expected { #expect(table.key(at: index) == key) }
    }

    static let neverInserted = ["P0", "P01", "P007", "P", "", "p1", "Q1", "P1x", "xP1", "P-1", "P 1", "P1234567890123456",
                                "P99999999", "PP1", "1"]

    @Test("Prefixed numbers in any order, with a gap, are found by number; near misses are absent")
    func prefixedNumbers() {
        var generator = SystemRandomNumberGenerator()
        let keys = (1...3000).map { "P\($0)" }.shuffled(using: &generator) + ["P5000", "P1", "P2999"]
        check(inserting: keys, absent: Self.neverInserted, byNumber: true)
    }

    @Test("Bare numbers, zero included, and prefixes of 8 and 15 bytes")
    func prefixLengths() {
        check(inserting: (0...500).map { "\($0)" }, absent: ["00", "01", "-1", "a1", "5000000"], byNumber: true)
        check(inserting: (1...500).map { "contact-\($0)" }, absent: ["contact-0", "contact-01", "contactX1", "contact-"],
              byNumber: true)
        check(inserting: (1...9).map { "abcdefghijklmno\($0)" },
              absent: ["abcdefghijklmno0", "abcdefghijklmno10", "abcdefghijklmnp1"], byNumber: true)
        // Sixteen bytes of prefix leave no room for a number: hashed from the first key.
        check(inserting: (1...9).map { "abcdefghijklmnop\($0)" }, absent: ["abcdefghijklmnop0"], byNumber: false)
    }

    @Test("Prefixes of 0 to 15 bytes, numbers ending inside and past the first 8 bytes, bytes next to the digits",
          arguments: Array(0...15))
    func digitBoundaries(prefixLength: Int) {
        let prefix = String("abcdefghijklmnop".prefix(prefixLength))
        let keys = (1...2000).map { "\(prefix)\($0)" }.filter { $0.utf8.count <= 16 }
        // '/' and ':' are the bytes just below and above the digits.
        let nearMisses = ["0", "00", "01", "007", "1/", "1:", "/1", ":1", "12/4", "12:4", "1 ", "10000000", "99999999",
                          "123456789", "123456789012345"].map { prefix + $0 }
        check(inserting: keys, absent: nearMisses.filter { $0.utf8.count <= 16 }, byNumber: !keys.isEmpty)
    }

    @Test("A key of another form, a leading zero or a number far past the count moves every key to the hash slots")
    func leavingNumbers() {
        let numbers = (1...2000).map { "L\($0)" }
        for intruder in ["web_visit", "L0001", "L2001x", "M5", "L9000000000", "a-long-identifier-of-thirty-bytes"] {
            check(inserting: numbers + [intruder] + (2001...2500).map { "L\($0)" } + ["L7"],
                  absent: Self.neverInserted.filter { $0 != intruder }, byNumber: false)
        }
        // A reserved capacity lets numbers run further before they count as sparse.
        var table = ByteStringTable()
        table.reserveCapacity(100_000)
        #expect(table.insert("C1").index == 0 && table.insert("C700000").index == 1 && table.findsByNumber)
        #expect(table.index(of: "C700000") == 1 && table.index(of: "C1") == 0 && table.index(of: "C2") == nil)
    }
}

extension ByteStringTable.KeyBatch {
    /// A batch of `keys`, `nil` for a missing one; made for `table` when one is given.
    init(_ keys: [String?], for table: ByteStringTable?) {
        self = table.map { ByteStringTable.KeyBatch(for: $0) } ?? ByteStringTable.KeyBatch()
        for key in keys {
            if var key {
                key.withUTF8 { append($0) }
            } else {
                appendMissing()
            }
        }
    }
}
