import Foundation
import LinearAlgebra

/// Labelled training rows in a chunked binary file, read back chunk by chunk: a row source for
/// data larger than memory. Every pass of a fit reads the chunks it needs, so memory holds a
/// chunk per thread, whatever the row count.
///
/// The file (all numbers little-endian):
///
/// | bytes | content |
/// |---|---|
/// | 8 | the magic `PROPROWS` |
/// | 4 | format version, 1 |
/// | 4 | bytes per feature value: 8 (float64) or 4 (float32) |
/// | 8 | rows `n` |
/// | 8 | columns `d` |
/// | 8 | rows per chunk `c` |
/// | 4 | 1 when the file holds sample weights, else 0 |
/// | 4 | the length `k` of the feature names |
/// | 16 | zero |
/// | k | the feature names, a JSON array of strings in UTF-8, then zeros up to a multiple of 8 |
/// | … | the chunks, each of `c` rows (the last of what is left): the features row by row, then the labels (float64), then the weights (float64) if any |
///
/// Values are checked when written (finite features, labels 0 or 1, finite non-negative
/// weights) and the file's length when opened, so a pass never meets a value `TrainingData`
/// would refuse.
///
///     let writer = try RowCacheWriter(url, featureNames: names)
///     try writer.append(features: x, labels: y)
///     try writer.finish()
///     let cache = try RowCache(contentsOf: url)
///     let fit = try LogisticRegression(l2: 1).fit(cache, featureNames: cache.featureNames)
public final class RowCache: IndexedRowBlockSource, @unchecked Sendable {
    /// The magic the file begins with.
    public static let magic = Array("PROPROWS".utf8)
    /// The format version this reader writes and reads.
    public static let formatVersion: UInt32 = 1
    /// The header's length in bytes, before the feature names.
    static let headerLength = 64

    /// The file.
    public let url: URL
    /// A name per feature column.
    public let featureNames: [String]
    public let featureCount: Int
    public let rowCount: Int
    /// Rows per chunk; each chunk is one block of a pass.
    public let chunkRows: Int
    /// Bytes per stored feature value: 8 or 4.
    public let precision: Int
    /// Whether the file holds sample weights.
    public let hasWeights: Bool
    /// Where the first chunk starts.
    private let dataOffset: Int
    // Immutable after init; `pread` at explicit offsets is safe from any thread.
    private let fd: Int32

    /// Opens a cache and checks its header and length.
    ///
    /// - Throws: `RowCacheError` naming the file and what is wrong.
    public init(contentsOf url: URL) throws(RowCacheError) {
        self.url = url
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw .cannotRead(path: url.path, reason: String(cString: strerror(errno))) }
        self.fd = fd
        var header = [UInt8](repeating: 0, count: Self.headerLength)
        let read = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Self.headerLength, 0) }
        func fail(_ detail: String) -> RowCacheError {
            close(fd)
            return .invalid(path: url.path, detail: detail)
        }
        guard read == Self.headerLength, Array(header[0..<8]) == Self.magic else {
            throw fail("it is not a Propensity row cache (it does not begin with PROPROWS)")
        }
        func integer(_ offset: Int, _ size: Int) -> Int {
            (0..<size).reduce(0) { $0 | Int(header[offset + $1]) << (8 * $1) }
        }
        let version = integer(8, 4)
        guard version == Int(Self.formatVersion) else {
            throw fail("it is a row cache of format version \(version); this Propensity reads version \(Self.formatVersion)")
        }
        precision = integer(12, 4)
        rowCount = integer(16, 8)
        featureCount = integer(24, 8)
        chunkRows = integer(32, 8)
        hasWeights = integer(40, 4) == 1
        let namesLength = integer(44, 4)
        guard precision == 8 || precision == 4, chunkRows >= 1, featureCount >= 0, rowCount >= 0 else {
            throw fail("its header is damaged (precision \(precision), \(chunkRows) rows per chunk)")
        }
        var names = [UInt8](repeating: 0, count: namesLength)
        let namesRead = names.withUnsafeMutableBytes { pread(fd, $0.baseAddress, namesLength, off_t(Self.headerLength)) }
        guard namesRead == namesLength,
              let decoded = try? JSONDecoder().decode([String].self, from: Data(names)), decoded.count == featureCount
        else {
            throw fail("its feature names are damaged")
        }
        featureNames = decoded
        dataOffset = Self.headerLength + (namesLength + 7) / 8 * 8
        let expected = dataOffset + rowCount * Self.rowBytes(columns: featureCount, precision: precision, weights: hasWeights)
        var status = stat()
        guard fstat(fd, &status) == 0, Int(status.st_size) == expected else {
            throw fail("it holds \(status.st_size) bytes where \(rowCount) rows of \(featureCount) columns take \(expected); "
                + "it was cut short or written by something else")
        }
    }

    deinit { close(fd) }

    /// Bytes per row: the features, the label and the weight if any.
    static func rowBytes(columns: Int, precision: Int, weights: Bool) -> Int {
        columns * precision + 8 + (weights ? 8 : 0)
    }

    public var blockCount: Int { (rowCount + chunkRows - 1) / chunkRows }

    public func block(at index: Int) -> RowBlock {
        precondition(index >= 0 && index < blockCount, "Chunk \(index) is outside 0..<\(blockCount).")
        let start = index * chunkRows
        let rows = min(chunkRows, rowCount - start)
        let d = featureCount
        var offset = dataOffset + start * Self.rowBytes(columns: d, precision: precision, weights: hasWeights)
        // Each part of the chunk is read straight into the array that holds it (the file is
        // little-endian, as every machine Swift runs on here; a big-endian one would swap).
        func read<T>(_ count: Int, as _: T.Type) -> [T] {
            let length = count * MemoryLayout<T>.stride
            let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                let raw = UnsafeMutableRawPointer(buffer.baseAddress)
                var done = 0
                while done < length {
                    let got = pread(fd, raw.map { $0 + done }, length - done, off_t(offset + done))
                    // The length was checked when the file was opened; a read failing now (the
                    // file changed underneath) cannot be turned into rows.
                    precondition(got > 0, "Reading chunk \(index) of \(url.path) failed: \(String(cString: strerror(errno))).")
                    done += got
                }
                initialized = count
            }
            offset += length
            return values
        }
        let elements = precision == 8 ? read(rows * d, as: Double.self) : read(rows * d, as: Float.self).map(Double.init)
        let labels = read(rows, as: Double.self)
        let weights = hasWeights ? read(rows, as: Double.self) : nil
        return RowBlock(features: Matrix(rows: rows, columns: d, elements: elements), rows: 0..<rows,
                        labels: labels[...], weights: weights?[...])
    }

    public func forEachBlock(_ body: (RowBlock) throws -> Void) rethrows {
        for index in 0..<blockCount { try body(block(at: index)) }
    }
}

/// Writes a `RowCache` file: rows are appended chunk by chunk and the file appears at its
/// destination, complete, only on `finish()`; until then (and after a failure or `discard()`)
/// it is a temporary file beside it, removed when the writer goes away.
public final class RowCacheWriter {
    /// The destination.
    public let url: URL
    /// A name per feature column.
    public let featureNames: [String]
    /// Rows per chunk.
    public let chunkRows: Int
    /// Bytes per stored feature value: 8 or 4.
    public let precision: Int
    /// Whether rows carry sample weights.
    public let hasWeights: Bool
    /// Rows appended so far.
    public private(set) var rowCount = 0
    private let temporary: URL
    private var handle: FileHandle?
    private var features: [UInt8] = []
    private var labels: [Double] = []
    private var weights: [Double] = []

    /// Starts a cache.
    ///
    /// - Parameters:
    ///   - url: Where the finished file goes.
    ///   - featureNames: A name per column.
    ///   - chunkRows: Rows per chunk, at least 1; default about 8 MiB of features per chunk.
    ///   - float32: Store features as float32 (half the bytes; each value rounded to 24
    ///     significant bits) instead of float64; default false.
    ///   - weights: Whether rows carry sample weights; default false.
    /// - Throws: `RowCacheError.cannotWrite` when the folder is missing or not writable.
    public init(_ url: URL, featureNames: [String], chunkRows: Int? = nil, float32: Bool = false,
                weights: Bool = false) throws(RowCacheError) {
        self.url = url
        self.featureNames = featureNames
        self.precision = float32 ? 4 : 8
        self.chunkRows = max(1, chunkRows ?? (1 << 23) / max(1, featureNames.count * (float32 ? 4 : 8)))
        self.hasWeights = weights
        temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary.path)
        else {
            throw .cannotWrite(path: url.path, reason: "cannot create a file in \(url.deletingLastPathComponent().path)")
        }
        self.handle = handle
        // The header is written again with the final row count by `finish()`.
        try write(header())
    }

    deinit { discard() }

    /// Appends rows.
    ///
    /// - Parameters:
    ///   - features: Rows of `featureNames.count` columns, every value finite.
    ///   - labels: One label per row, 0 or 1.
    ///   - weights: One finite, non-negative weight per row when the cache has weights; else `nil`.
    /// - Throws: `RowCacheError.invalidRow` (the row counted from the start of the cache) or a
    ///   write failure.
    public func append(features x: Matrix, labels y: [Double], weights w: [Double]? = nil) throws(RowCacheError) {
        precondition(handle != nil, "The writer was finished or discarded.")
        precondition(x.columns == featureNames.count && y.count == x.rows, "Expected rows of \(featureNames.count) columns, one label each.")
        precondition((w != nil) == hasWeights && (w?.count ?? x.rows) == x.rows, "Weights must match the cache's setting.")
        for i in 0..<x.rows {
            let row = rowCount + i
            guard y[i] == 0 || y[i] == 1 else { throw .invalidRow(row: row, detail: "its label is \(y[i]), not 0 or 1") }
            if let w, !(w[i].isFinite && w[i] >= 0) {
                throw .invalidRow(row: row, detail: "its weight is \(w[i]), not a finite number ≥ 0")
            }
            for j in 0..<x.columns where !x[i, j].isFinite {
                throw .invalidRow(row: row, detail: "column `\(featureNames[j])` is \(x[i, j]), not a finite number")
            }
        }
        for i in 0..<x.rows {
            for j in 0..<x.columns {
                if precision == 8 {
                    withUnsafeBytes(of: x[i, j].bitPattern.littleEndian) { features.append(contentsOf: $0) }
                } else {
                    withUnsafeBytes(of: Float(x[i, j]).bitPattern.littleEndian) { features.append(contentsOf: $0) }
                }
            }
            labels.append(y[i])
            if let w { weights.append(w[i]) }
            rowCount += 1
            if labels.count == chunkRows { try flushChunk() }
        }
    }

    /// Writes the last chunk and the header, flushes the file to disk and renames it to `url`.
    ///
    /// - Throws: `RowCacheError.cannotWrite`; the destination is then untouched.
    public func finish() throws(RowCacheError) {
        precondition(handle != nil, "The writer was finished or discarded.")
        if !labels.isEmpty { try flushChunk() }
        do {
            try handle!.seek(toOffset: 0)
            try handle!.write(contentsOf: header())
            try handle!.synchronize()
            try handle!.close()
        } catch {
            throw .cannotWrite(path: url.path, reason: "\(error)")
        }
        handle = nil
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .cannotWrite(path: url.path, reason: reason)
        }
    }

    /// Abandons the cache: the temporary file is removed and the destination left as it was.
    /// A no-op after `finish()`.
    public func discard() {
        guard let handle else { return }
        try? handle.close()
        self.handle = nil
        try? FileManager.default.removeItem(at: temporary)
    }

    private func flushChunk() throws(RowCacheError) {
        var bytes = features
        for value in labels { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        for value in weights { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        try write(Data(bytes))
        features.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        weights.removeAll(keepingCapacity: true)
    }

    private func write(_ data: Data) throws(RowCacheError) {
        do {
            try handle!.write(contentsOf: data)
        } catch {
            throw .cannotWrite(path: url.path, reason: "\(error)")
        }
    }

    /// The header and the padded feature names.
    private func header() -> Data {
        var bytes = RowCache.magic
        func append(_ value: Int, _ size: Int) {
            for k in 0..<size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * k))) }
        }
        let names = Array((try? JSONEncoder().encode(featureNames)) ?? Data("[]".utf8))
        append(Int(RowCache.formatVersion), 4)
        append(precision, 4)
        append(rowCount, 8)
        append(featureNames.count, 8)
        append(chunkRows, 8)
        append(hasWeights ? 1 : 0, 4)
        append(names.count, 4)
        bytes += [UInt8](repeating: 0, count: RowCache.headerLength - bytes.count)
        bytes += names + [UInt8](repeating: 0, count: (names.count + 7) / 8 * 8 - names.count)
        return Data(bytes)
    }
}

/// Why a row cache could not be written or read.
public enum RowCacheError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file could not be opened.
    case cannotRead(path: String, reason: String)
    /// The file is not a valid cache.
    case invalid(path: String, detail: String)
    /// The cache could not be written.
    case cannotWrite(path: String, reason: String)
    /// A row cannot go into a cache (row is 0-based).
    case invalidRow(row: Int, detail: String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason):
            return "Cannot read the row cache \(path): \(reason)."
        case .invalid(let path, let detail):
            return "\(path) is not a usable row cache: \(detail). Write it again."
        case .cannotWrite(let path, let reason):
            return "Cannot write the row cache \(path): \(reason). Check that the folder exists and has space."
        case .invalidRow(let row, let detail):
            return "Row \(row + 1) cannot go into the row cache: \(detail)."
        }
    }
}
