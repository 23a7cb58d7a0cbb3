import Foundation
import LinearAlgebra
import TestSupport
import Testing
@testable import Training

/// The chunked row cache: what is written reads back, a fit streaming it equals the fit in
/// memory, and damaged files and rows are refused with a sentence.
struct RowCacheTests {
    /// Writes `x`, `y`, `w` to a cache in a new folder, in pieces of `piece` rows.
    func cache(_ x: Matrix, _ y: [Double], _ w: [Double]?, names: [String], chunkRows: Int, float32: Bool = false,
               piece: Int = 50) throws -> URL {
        let url = try makeTemporaryDirectory().appending(path: "rows.cache")
        let writer = try RowCacheWriter(url, featureNames: names, chunkRows: chunkRows, float32: float32, weights: w != nil)
        var start = 0
        while start < x.rows {
            let end = min(start + piece, x.rows)
            let rows = Array(start..<end)
            try writer.append(features: Matrix(rows: rows.count, columns: x.columns,
                                               elements: rows.flatMap { i in (0..<x.columns).map { x[i, $0] } }),
                              labels: Array(y[start..<end]), weights: w.map { Array($0[start..<end]) })
            start = end
        }
        try writer.finish()
        return url
    }

    @Test("Rows read back exactly, chunk by chunk, with labels and weights")
    func roundTrip() throws {
        let fixture = try ReferenceFixture.load("weighted_l2")
        let (x, y, w) = try fixture.table()
        let url = try cache(x, y, w, names: fixture.featureNames, chunkRows: 37)
        let cache = try RowCache(contentsOf: url)
        #expect(cache.rowCount == x.rows && cache.featureCount == x.columns && cache.featureNames == fixture.featureNames)
        #expect(cache.blockCount == (x.rows + 36) / 37 && cache.hasWeights && cache.precision == 8)
        var row = 0
        try cache.forEachBlock { block in
            for i in block.rows {
                #expect((0..<x.columns).allSatisfy { block.features[i, $0].bitPattern == x[row, $0].bitPattern })
                #expect(block.label(i) == y[row] && block.weight(i) == w![row])
                row += 1
            }
        }
        #expect(row == x.rows)
    }

    @Test("A fit streaming the cache equals the fit in memory to 1e-12, on one thread or two", arguments: [1, 2])
    func fitMatchesMemory(threads: Int) throws {
        let fixture = try ReferenceFixture.load("weighted_l2")
        let (x, y, w) = try fixture.table()
        let data = try TrainingData(features: x, labels: y, weights: w, featureNames: fixture.featureNames)
        let trainer = LogisticRegression(l2: fixture.lambda, standardize: fixture.standardize)
        let memory = try trainer.fit(data)
        let cache = try RowCache(contentsOf: try cache(x, y, w, names: fixture.featureNames, chunkRows: 37))
        let streamed = try trainer.fit(cache, featureNames: cache.featureNames, threads: threads)
        #expect(maxRelativeError(streamed.coefficients, memory.coefficients) <= 1e-12)
        #expect(relativeError(streamed.intercept, memory.intercept) <= 1e-12)
        #expect(maxRelativeError(streamed.covariance, memory.covariance) <= 1e-11)
        #expect(abs(streamed.objective - memory.objective) <= 1e-12 * memory.objective)
        // And against scikit-learn, as the fit in memory is.
        #expect(maxRelativeError(streamed.coefficients, fixture.coefficients) <= 1e-6)
    }

    @Test("A float32 cache holds each value rounded to float, and fits as those values do in memory")
    func float32() throws {
        let fixture = try ReferenceFixture.load("synthetic_l2_standardized")
        let (x, y, _) = try fixture.table()
        let url = try cache(x, y, nil, names: fixture.featureNames, chunkRows: 100, float32: true)
        let cache = try RowCache(contentsOf: url)
        #expect(cache.precision == 4 && !cache.hasWeights)
        let bytes = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int
        #expect(bytes < RowCache.headerLength + 400 + x.rows * (4 * x.columns + 8))
        let rounded = Matrix(rows: x.rows, columns: x.columns, elements: x.elements.map { Double(Float($0)) })
        let trainer = LogisticRegression(l2: fixture.lambda)
        let memory = try trainer.fit(try TrainingData(features: rounded, labels: y, featureNames: fixture.featureNames))
        let streamed = try trainer.fit(cache, featureNames: cache.featureNames)
        #expect(maxRelativeError(streamed.coefficients, memory.coefficients) <= 1e-12)
    }

    @Test("A cut-short file, another file and a bad row are refused with a sentence; a discarded writer leaves nothing")
    func refusals() throws {
        let fixture = try ReferenceFixture.load("weighted_l2")
        let (x, y, w) = try fixture.table()
        let url = try cache(x, y, w, names: fixture.featureNames, chunkRows: 37)
        let data = try Data(contentsOf: url)
        try data.prefix(data.count - 8).write(to: url)
        #expect(throws: RowCacheError.invalid(path: url.path, detail: "it holds \(data.count - 8) bytes where \(x.rows) rows of "
            + "\(x.columns) columns take \(data.count); it was cut short or written by something else")) {
            try RowCache(contentsOf: url)
        }
        try Data("lead_id,amount\n".utf8).write(to: url)
        let error = #expect(throws: RowCacheError.self) { try RowCache(contentsOf: url) }
        #expect(error?.description == "\(url.path) is not a usable row cache: it is not a Propensity row cache (it does not "
            + "begin with PROPROWS). Write it again.")

        let folder = try makeTemporaryDirectory()
        let target = folder.appending(path: "bad.cache")
        let writer = try RowCacheWriter(target, featureNames: ["a", "b"], chunkRows: 2)
        try writer.append(features: Matrix(rows: 1, columns: 2, elements: [1, 2]), labels: [1])
        #expect(throws: RowCacheError.invalidRow(row: 1, detail: "column `b` is nan, not a finite number")) {
            try writer.append(features: Matrix(rows: 1, columns: 2, elements: [1, .nan]), labels: [0])
        }
        #expect(throws: RowCacheError.invalidRow(row: 1, detail: "its label is 2.0, not 0 or 1")) {
            try writer.append(features: Matrix(rows: 1, columns: 2, elements: [1, 1]), labels: [2])
        }
        writer.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
