/// A categorical feature's fitted one-hot encoding, learnt from training leads and saved with
/// the model so that scoring encodes as training did.
///
/// The rules, in order:
/// 1. A missing value is the level `(missing)` (a value spelt `(missing)` is the same level).
/// 2. Levels held by fewer than `minCount` training leads are pooled into the level `other`,
///    and so is a value spelt `other`, which already means "none of the named levels".
/// 3. Of the levels not pooled, the most frequent is the reference and has no column (ties go
///    to the one that sorts first).
/// 4. Every other level not pooled has a column `NAME=level`, in sorted order, and `NAME=other`
///    comes last when any training lead was pooled.
///
/// At scoring time a level without a column of its own (pooled in training, or never seen)
/// counts as `other` when that column exists, and as the reference otherwise.
///
/// For example, with `minCount` 2 and training values `[a, a, a, b, b, c, nil]`: the reference
/// is `a`, the columns are `NAME=b` and `NAME=other` (holding `c` and `(missing)`), and an
/// unseen `d` encodes as `[0, 1]`.
public struct CategoricalEncoding: Codable, Equatable, Sendable {
    /// The level pooled rare levels become.
    public static let otherLevel = "other"

    /// The feature's name, the stem of its column names.
    public let name: String
    /// The minimum number of training leads a level needs to keep a column of its own.
    public let minCount: Int
    /// The most frequent level, which has no column.
    public let reference: String
    /// The levels with a column, in column order: sorted, then `other` when it exists.
    public let levels: [String]
    /// Each level's column, and -1 for the reference.
    private let columnOfLevel: [String: Int]
    /// The column of `other`, or -1 (the reference) when there is none.
    private let otherColumn: Int

    /// Fits the encoding to the values of the training leads.
    ///
    /// - Parameters:
    ///   - name: The feature's name.
    ///   - minCount: The fewest training leads a level needs to keep a column; at least 1
    ///     (1 pools nothing but a value spelt `other`).
    ///   - values: One value per training lead; `nil` means missing.
    /// - Throws: `FeatureError.invalidMinCount` below 1, `.noTrainingValues` when `values` is
    ///   empty, `.singleLevel` when one level is all that is left, so there is no column.
    /// - Complexity: O(n) expected for n values, plus O(L log L) to sort L levels.
    public init(name: String, minCount: Int, fitting values: [String?]) throws(FeatureError) {
        guard minCount >= 1 else { throw .invalidMinCount(feature: name, minCount: minCount) }
        guard !values.isEmpty else { throw .noTrainingValues(feature: name) }
        var counts: [String: Int] = [:]
        for value in values { counts[value ?? FlatTable.missingLevel, default: 0] += 1 }
        var pooled = false
        var kept: [(level: String, count: Int)] = []
        for (level, count) in counts {
            if count < minCount || level == Self.otherLevel { pooled = true } else { kept.append((level, count)) }
        }
        kept.sort { $0.level < $1.level }
        guard let reference = kept.max(by: { $0.count != $1.count ? $0.count < $1.count : $0.level > $1.level })?.level
        else { throw .singleLevel(feature: name, level: Self.otherLevel, minCount: minCount) }
        var levels = kept.map(\.level).filter { $0 != reference }
        if pooled { levels.append(Self.otherLevel) }
        guard !levels.isEmpty else { throw .singleLevel(feature: name, level: reference, minCount: minCount) }
        self.init(name: name, minCount: minCount, reference: reference, levels: levels)
    }

    /// The encoding with the given fitted fields, and the lookup table that follows from them.
    private init(name: String, minCount: Int, reference: String, levels: [String]) {
        self.name = name
        self.minCount = minCount
        self.reference = reference
        self.levels = levels
        var columnOfLevel = [reference: -1]
        for (column, level) in levels.enumerated() { columnOfLevel[level] = column }
        self.columnOfLevel = columnOfLevel
        self.otherColumn = levels.last == Self.otherLevel ? levels.count - 1 : -1
    }

    /// The number of output columns.
    public var width: Int { levels.count }

    /// The output column names, `NAME=level`, in the order of `levels`.
    public var columnNames: [String] { levels.map { "\(name)=\($0)" } }

    /// Writes the `width` 0/1 columns of `value` to `output[offset..<offset + width]`: a 1 in
    /// the level's column, or none for the reference.
    ///
    /// - Parameters:
    ///   - value: The lead's level; `nil` means missing.
    ///   - output: The row being filled; must have room for `width` values at `offset`.
    ///   - offset: Where the first column goes.
    /// - Complexity: one dictionary lookup; no allocation.
    public func encode(_ value: String?, into output: inout [Double], at offset: Int) {
        output.setToZero(from: offset, count: levels.count)
        let column = columnOfLevel[value ?? FlatTable.missingLevel] ?? otherColumn
        if column >= 0 { output[offset + column] = 1 }
    }

    private enum CodingKeys: String, CodingKey {
        case name, minCount, reference, levels
    }

    /// Reads an encoding written by `encode(to:)` and rebuilds its lookup table.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .name)
        let reference = try container.decode(String.self, forKey: .reference)
        let levels = try container.decode([String].self, forKey: .levels)
        guard !levels.contains(reference), Set(levels).count == levels.count else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath,
                debugDescription: "The encoding of feature `\(name)` repeats a level or gives the reference a column."))
        }
        self.init(name: name, minCount: try container.decode(Int.self, forKey: .minCount),
                  reference: reference, levels: levels)
    }

    /// Writes the fitted fields; the lookup table is rebuilt when read.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(minCount, forKey: .minCount)
        try container.encode(reference, forKey: .reference)
        try container.encode(levels, forKey: .levels)
    }

    /// Encodings are equal when their fitted fields are; the lookup table follows from them.
    public static func == (lhs: CategoricalEncoding, rhs: CategoricalEncoding) -> Bool {
        lhs.name == rhs.name && lhs.minCount == rhs.minCount && lhs.reference == rhs.reference
            && lhs.levels == rhs.levels
    }
}
