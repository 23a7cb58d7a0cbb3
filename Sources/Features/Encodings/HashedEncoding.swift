/// Signed feature hashing of one string per lead into a fixed number of columns, for
/// categorical features with too many levels to one-hot encode (email domains, job titles).
///
/// A value's column and sign come from its 32-bit MurmurHash3 h (x86 variant, seed 0, over the
/// value's UTF-8 bytes): the column is |h| mod `buckets` and the column holds +1 when h ≥ 0,
/// -1 when h < 0. This is exactly scikit-learn's
/// `FeatureHasher(n_features=buckets, input_type="string", alternate_sign=True)` applied to the
/// one-token list `[value]`, so a model's hashed columns can be reproduced in Python. Distinct
/// values may share a column; the signs make such collisions cancel on average rather than add.
///
/// The encoding learns nothing from training data; it is saved with the model all the same, so
/// that scoring uses the same number of buckets.
public struct HashedEncoding: Codable, Equatable, Sendable {
    /// The feature's name, the stem of its column names.
    public let name: String
    /// The number of columns.
    public let buckets: Int

    /// Creates the encoding.
    ///
    /// - Parameters:
    ///   - name: The feature's name.
    ///   - buckets: The number of columns, at least 2 (the spec's default is 32).
    /// - Throws: `FeatureError.invalidBucketCount` for fewer than 2 buckets.
    public init(name: String, buckets: Int) throws(FeatureError) {
        guard buckets >= 2 else { throw .invalidBucketCount(feature: name, buckets: buckets) }
        self.name = name
        self.buckets = buckets
    }

    /// The number of output columns, `buckets`.
    public var width: Int { buckets }

    /// The output column names, `NAME[0]` to `NAME[buckets − 1]`.
    public var columnNames: [String] { (0..<buckets).map { "\(name)[\($0)]" } }

    /// The column and sign of `value`: |h| mod `buckets` and ±1 by the sign of h.
    ///
    /// - Complexity: O(value's UTF-8 length); no allocation for native strings.
    public func bucket(of value: String) -> (column: Int, sign: Double) {
        let h = value.utf8.withContiguousStorageIfAvailable { MurmurHash3.x86_32($0) }
            ?? Array(value.utf8).withUnsafeBufferPointer { MurmurHash3.x86_32($0) }
        // Int(h).magnitude is exact for h = Int32.min too, where scikit-learn special-cases abs().
        return (Int(Int(h).magnitude % UInt(buckets)), h >= 0 ? 1 : -1)
    }

    /// Writes the `buckets` columns of `value` to `output[offset..<offset + buckets]`: ±1 in the
    /// value's column, 0 elsewhere; all zeros for a missing value.
    ///
    /// The empty string is a value like any other (scikit-learn hashes it too); pass `nil` for
    /// a missing one.
    ///
    /// - Parameters:
    ///   - value: The lead's value; `nil` means missing.
    ///   - output: The row being filled; must have room for `buckets` values at `offset`.
    ///   - offset: Where the first column goes.
    /// - Complexity: O(buckets + value's UTF-8 length); no allocation for native strings.
    public func encode(_ value: String?, into output: inout [Double], at offset: Int) {
        output.setToZero(from: offset, count: buckets)
        guard let value else { return }
        let (column, sign) = bucket(of: value)
        output[offset + column] = sign
    }

    private enum CodingKeys: String, CodingKey {
        case name, buckets
    }

    /// Reads an encoding written by `encode(to:)`, checking the number of buckets.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .name)
        let buckets = try container.decode(Int.self, forKey: .buckets)
        do {
            try self.init(name: name, buckets: buckets)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .buckets, in: container, debugDescription: error.description)
        }
    }
}
