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
