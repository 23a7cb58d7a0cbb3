import CSVParsing
import Dispatch
import Foundation
import Synchronization

/// Writes scored leads as CSV or JSON Lines, atomically: the file appears complete or not at
/// all.
///
/// Columns (CSV header; the same keys in JSON Lines, where the factors are arrays of objects
/// with `feature`, `words` and `contribution`):
///
/// | column | meaning |
/// |---|---|
/// | `lead_id` | the lead's id |
/// | `probability` | the close probability, 6 decimals |
/// | `probability_low`, `probability_high` | its 90% range; empty (`null`) for a model without covariance, fitted above its Hessian-free width |
/// | `score`, `grade` | `round(100·probability)`, and A–D by the model's cut points |
/// | `score_7d_ago`, `score_change` | the score as of 7 days before (the trend window), and the change; empty for a lead that was not yet an SQL then |
/// | `raising_1` … `raising_3` | the features raising the odds most, as `words: +0.61` |
/// | `lowering_1` … `lowering_3` | the features lowering them most, as `words: -0.42` |
public enum ScoreFile {
    /// The output formats.
    public enum Format: String, CaseIterable, Sendable {
        case csv
        case jsonl
    }

    /// Writes `scored` to `url` in `format`.
    ///
    /// - Parameter threads: Threads formatting rows, at least 1; default 1. Runs of rows are
    ///   formatted at once and written in order, so the bytes are the same for any count.
    /// - Throws: `AtomicFileError`; nothing is left at `url` then (an earlier file stays).
    public static func write(_ scored: ScoredLeads, format: Format, to url: URL, threads: Int = 1) throws(AtomicFileError) {
        try write(scored, format: format, to: url, threads: threads, runRows: 16_384)
    }

    /// `write(_:format:to:threads:)` with runs of `runRows` rows (tests make them short).
    static func write(_ scored: ScoredLeads, format: Format, to url: URL, threads: Int, runRows: Int) throws(AtomicFileError) {
        precondition(threads >= 1 && runRows >= 1, "Writing needs at least one thread and one row per run.")
        let writer = try AtomicFile.Writer(url)
        defer { writer.discard() }
        let trend = "score_\(formatDays(scored.trendFrom, scored.asOf))d_ago"
        if format == .csv {
            let top = scored.scores.topCount
            var header = ["lead_id", "probability", "probability_low", "probability_high", "score", "grade", trend, "score_change"]
            header += (0..<top).map { "raising_\($0 + 1)" } + (0..<top).map { "lowering_\($0 + 1)" }
            try writer.append(Data((header.joined(separator: ",") + "\n").utf8))
        }
        // Rounds of `threads` runs of `runRows` rows: one run's bytes (about 4 MB of CSV for
        // 16,384 rows) per thread in memory at a time.
        var start = 0
        while start < scored.count {
            let runs = (0..<threads).map { r in
                min(scored.count, start + r * runRows)..<min(scored.count, start + (r + 1) * runRows)
            }.filter { !$0.isEmpty }
            let parts: [[UInt8]]
            if runs.count == 1 {
                parts = [rows(runs[0], of: scored, format: format, trend: trend)]
            } else {
                let done = Mutex([[UInt8]](repeating: [], count: runs.count))
                DispatchQueue.concurrentPerform(iterations: runs.count) { r in
                    let bytes = rows(runs[r], of: scored, format: format, trend: trend)
                    done.withLock { $0[r] = bytes }
                }
                parts = done.withLock { $0 }
            }
            for part in parts { try writer.append(Data(part)) }
            start = runs.last!.upperBound
        }
        try writer.commit()
    }

    /// The lines of leads `range`, each ending in a line break.
    private static func rows(_ range: Range<Int>, of scored: ScoredLeads, format: Format, trend: String) -> [UInt8] {
        var out = ByteBuffer()
        let scores = scored.scores
        let top = scores.topCount
        for k in range {
            let earlier = scored.earlierScore[k]
            let raising = scored.factors(k, raising: true), lowering = scored.factors(k, raising: false)
            switch format {
            case .csv:
                out.appendCSVField(scored.leadID(k))
                for value in [scores.probability[k], scores.low[k], scores.high[k]] {
                    out.append(byte: 0x2C)
                    // A model without covariance has no range: the fields stay empty.
                    if !value.isNaN { out.appendFixed6(value) }
                }
                out.append(",\(scores.score[k]),\(scores.grade(k).rawValue),")
                if earlier >= 0 { out.append("\(earlier),\(scores.score[k] - earlier)") } else { out.append(byte: 0x2C) }
                for factors in [raising, lowering] {
                    for slot in 0..<top {
                        out.append(byte: 0x2C)
                        if slot < factors.count { out.appendCSVField(factors[slot].text) }
                    }
                }
            case .jsonl:
                out.append("{\"lead_id\":")
                out.appendJSONString(scored.leadID(k))
                for (key, value) in [("probability", scores.probability[k]), ("probability_low", scores.low[k]),
                                     ("probability_high", scores.high[k])] {
                    out.append(",\"\(key)\":")
                    if value.isNaN { out.append("null") } else { out.appendFixed6(value) }
                }
                out.append(",\"score\":\(scores.score[k]),\"grade\":\"\(scores.grade(k).rawValue)\",\"\(trend)\":")
                out.append(earlier >= 0 ? "\(earlier),\"score_change\":\(scores.score[k] - earlier)" : "null,\"score_change\":null")
                for (key, factors) in [("raising", raising), ("lowering", lowering)] {
                    out.append(",\"\(key)\":")
                    out.appendJSON(factors)
                }
                out.append(byte: 0x7D)
            }
            out.append(byte: 0x0A)
        }
        return out.bytes
    }

    /// The trend window in whole days, as the column name says it.
    private static func formatDays(_ from: Double, _ to: Double) -> String {
        let days = (to - from) / 86_400
        return days == days.rounded() ? String(Int(days)) : String(days)
    }
}

extension Factor {
    /// `factors` as a JSON array of objects with `feature`, `words` and `contribution`, as JSON
    /// Lines score files and the database's scores table hold them.
    public static func json(_ factors: [Factor]) -> String {
        var out = ByteBuffer()
        out.appendJSON(factors)
        return String(decoding: out.bytes, as: UTF8.self)
    }
}

/// Bytes of an output file under construction.
struct ByteBuffer {
    var bytes: [UInt8] = []

    mutating func append(byte: UInt8) { bytes.append(byte) }

    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// A value in [0, 1] with 6 decimals, as `0.304557`: printf's `%.6f` without its cost.
    mutating func appendFixed6(_ value: Double) {
        let micros = Int((min(max(value, 0), 1) * 1_000_000).rounded())
        bytes.append(micros == 1_000_000 ? 0x31 : 0x30)
        bytes.append(0x2E)
        var digits = micros % 1_000_000
        var buffer: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &buffer) { raw in
            for i in stride(from: 5, through: 0, by: -1) {
                raw[i] = UInt8(0x30 + digits % 10)
                digits /= 10
            }
            bytes.append(contentsOf: raw)
        }
    }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    mutating func appendCSVField(_ text: String) {
        var text = text
        text.withUTF8 { CSVWriting.appendField($0, to: &bytes, quotingEmpty: false) }
    }

    /// Factors as a JSON array of `{"feature", "words", "contribution"}` objects.
    mutating func appendJSON(_ factors: [Factor]) {
        bytes.append(0x5B)
        for (i, factor) in factors.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            append("{\"feature\":")
            appendJSONString(factor.feature)
            append(",\"words\":")
            appendJSONString(factor.words)
            append(",\"contribution\":\(factor.contribution)}")
        }
        bytes.append(0x5D)
    }

    /// A JSON string literal.
    mutating func appendJSONString(_ text: String) {
        bytes.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
            case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }
}
