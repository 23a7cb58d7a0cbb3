import Foundation
import Testing

@testable import Features

struct HashedEncodingTests {
    struct Fixture: Decodable {
        struct Encoded: Decodable {
            let column: Int
            let sign: Double
        }
        struct Case: Decodable {
            let buckets: Int
            let encoded: [Encoded]
        }
        let tokens: [String]
        let murmurhash3_32: [Int32]
        let cases: [Case]
    }

    @Test func murmurHashEqualsScikitLearnsOnUTF8Bytes() throws {
        let fixture = try loadFeatureFixture("hashing", as: Fixture.self)
        for (token, expected) in zip(fixture.tokens, fixture.murmurhash3_32) {
            let hash = Array(token.utf8).withUnsafeBufferPointer { MurmurHash3.x86_32($0) }
            #expect(hash == expected, "murmurhash3_32 of `\(token)`")
        }
    }

    @Test func columnsAndSignsEqualFeatureHasher() throws {
        let fixture = try loadFeatureFixture("hashing", as: Fixture.self)
        for test in fixture.cases {
            let encoding = try HashedEncoding(name: "domain", buckets: test.buckets)
            for (token, expected) in zip(fixture.tokens, test.encoded) {
                let bucket = encoding.bucket(of: token)
                #expect(bucket.column == expected.column && bucket.sign == expected.sign,
                        "`\(token)` into \(test.buckets) buckets")
                if test.buckets <= 1000 {
                    var row = [Double](repeating: 0, count: test.buckets)
                    row[expected.column] = expected.sign
                    #expect(encoding.columns(token) == row, "`\(token)` into \(test.buckets) buckets")
                }
            }
        }
    }

    @Test func aMissingValueIsAllZerosAndTheEmptyStringIsHashed() throws {
        let encoding = try HashedEncoding(name: "title", buckets: 7)
        #expect(encoding.columns(nil) == [0, 0, 0, 0, 0, 0, 0])
        #expect(encoding.columns("").filter { $0 != 0 }.count == 1)
    }

    @Test func namesItsColumnsByBucket() throws {
        let encoding = try HashedEncoding(name: "title", buckets: 3)
        #expect(encoding.width == 3)
        #expect(encoding.columnNames == ["title[0]", "title[1]", "title[2]"])
    }

    @Test func needsTwoBuckets() throws {
        let error = FeatureError.invalidBucketCount(feature: "title", buckets: 1)
        #expect(throws: error) { try HashedEncoding(name: "title", buckets: 1) }
        #expect(error.description
            == "Feature `title` asks for buckets: 1; feature hashing needs at least 2 buckets (the default is 32).")
    }

    @Test func roundTripsThroughJSON() throws {
        let encoding = try HashedEncoding(name: "title", buckets: 32)
        #expect(try roundTripped(encoding) == encoding)
        let corrupt = Data(#"{"name":"title","buckets":0}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(HashedEncoding.self, from: corrupt) }
    }
}

extension HashedEncoding {
    /// The columns of `value`.
    func columns(_ value: String?) -> [Double] {
        encodedColumns(width: width) { encode(value, into: &$0, at: $1) }
    }
}
