import Features
import Foundation
import TestSupport

/// Loads `Tests/Fixtures/features/<name>.json`, written by `scripts/make_feature_fixtures.py`.
func loadFeatureFixture<Fixture: Decodable>(_ name: String, as type: Fixture.Type = Fixture.self) throws -> Fixture {
    let url = fixturesDirectory.appendingPathComponent("features/\(name).json")
    return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
}

/// `encoding` written with `JSONEncoder` and read back.
func roundTripped<Encoding: Codable>(_ encoding: Encoding) throws -> Encoding {
    try JSONDecoder().decode(Encoding.self, from: JSONEncoder().encode(encoding))
}

/// The columns one call of `encode` writes for `value`, read from a row filled with a sentinel
/// on either side so that a write outside the encoding's columns shows.
func encodedColumns(width: Int, _ encode: (inout [Double], Int) -> Void) -> [Double] {
    let sentinel = -12345.0
    var row = [Double](repeating: sentinel, count: width + 4)
    encode(&row, 2)
    precondition(row[0..<2].allSatisfy { $0 == sentinel } && row[(width + 2)...].allSatisfy { $0 == sentinel },
                 "encode wrote outside its columns")
    return Array(row[2..<(width + 2)])
}

extension NumericEncoding {
    /// The columns of `value`.
    func columns(_ value: Double) -> [Double] {
        encodedColumns(width: width) { encode(value, into: &$0, at: $1) }
    }
}
