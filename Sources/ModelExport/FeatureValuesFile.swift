import CSVParsing
import Features
import Foundation
import Scoring

/// Writes the inputs of an exported model for scored leads, as CSV: the table that the query
/// of `SQLExport` and the document of `PMMLExport` read, with the probability `score` gave.
///
/// Columns: `lead_id`; `score_probability`, the probability `score` computed, with every
/// digit (the reference a port of the model is checked against); then each input of
/// `ScoringFormula` in order: a numeric feature's raw value as of the scoring instant (empty
/// when missing, else the shortest digits that read back as the same double), a categorical
/// feature's text (empty when missing), and for a hashed feature its signed bucket columns
/// `NAME[0]` … (±1 in the value's bucket, 0 elsewhere). Interactions have no column: the
/// model multiplies its own columns.
public enum FeatureValuesFile {
    /// The two columns before the inputs.
    public static let leadColumns = ["lead_id", "score_probability"]

    /// Writes the inputs of every lead of `scored` to `url`, atomically.
    ///
    /// - Throws: `AtomicFileError`; nothing is left at `url` then.
    /// - Complexity: O(leads × inputs).
    public static func write(_ scored: ScoredLeads, to url: URL) throws(AtomicFileError) {
        let writer = try AtomicFile.Writer(url)
        defer { writer.discard() }
        let pipeline = scored.pipeline
        var out: [UInt8] = []
        var header = leadColumns
        for (definition, feature) in zip(pipeline.spec.features, pipeline.features) {
            switch feature {
            case .hashed(let encoding): header += encoding.columnNames
            case .interaction: break
            default: header.append(definition.name)
            }
        }
        appendRow(header, to: &out)
        var fields: [String] = []
        for k in 0..<scored.count {
            fields.removeAll(keepingCapacity: true)
            fields.append(scored.leadID(k))
            fields.append(number(scored.scores.probability[k]))
            for (index, feature) in pipeline.features.enumerated() {
                switch (feature, scored.rawValue(k, feature: index)) {
                case (.interaction, _): break
                case (.hashed(let encoding), .text(let text)):
                    var buckets = [String](repeating: "0", count: encoding.buckets)
                    if let text {
                        let (column, sign) = encoding.bucket(of: text)
                        buckets[column] = sign > 0 ? "1" : "-1"
                    }
                    fields += buckets
                case (_, .text(let text)): fields.append(text ?? "")
                case (_, .number(let x)): fields.append(number(x))
                case (_, .pair): break
                }
            }
            appendRow(fields, to: &out)
            if out.count >= 1 << 20 {
                try writer.append(Data(out))
                out.removeAll(keepingCapacity: true)
            }
        }
        try writer.append(Data(out))
        try writer.commit()
    }

    /// A number with the shortest digits that read back as it; empty for NaN (missing).
    private static func number(_ x: Double) -> String { x.isNaN ? "" : x.description }

    private static func appendRow(_ fields: [String], to out: inout [UInt8]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(0x2C) }
            CSVWriting.appendField(field.utf8, to: &out, quotingEmpty: false)
        }
        out.append(0x0A)
    }
}
