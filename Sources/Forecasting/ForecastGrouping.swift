import Foundation
import Features

/// A field the pipeline is broken down by, as `--by` names it:
///
/// - `source`, `owner`: the columns the spec maps as `tables.leads.source` and `.owner`;
/// - `COLUMN`: any column of the leads table; `companies.COLUMN`: a column of the lead's company;
/// - `month:COLUMN`: the calendar month (UTC, `2025-03`) of a leads timestamp column;
///   `month` alone: of the spec's cut-off anchor (`cutoff.after`, the SQL date).
///
/// A lead whose value is missing (or that has no company) falls in the group `(missing)`.
public struct ForecastGrouping: Equatable, Sendable, CustomStringConvertible {
    /// What the groups are made of.
    public enum Field: Equatable, Sendable {
        case column(ColumnReference)
        case month(of: String)
    }

    /// The text given, shown as the breakdown's name.
    public let description: String
    public let field: Field

    /// Reads `text` for data read through `spec`.
    ///
    /// - Throws: `ForecastError.badGrouping` for an empty name or `month` without a cut-off rule.
    public init(parsing text: String, spec: FeatureSpec) throws(ForecastError) {
        description = text
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "month" {
            guard let anchor = spec.cutoff?.after else {
                throw .badGrouping(text, reason: "the spec has no cut-off anchor to take the month of; name a timestamp column, as in month:sql_at")
            }
            field = .month(of: anchor)
        } else if trimmed.hasPrefix("month:") {
            let column = String(trimmed.dropFirst("month:".count))
            guard !column.isEmpty else { throw .badGrouping(text, reason: "name a leads timestamp column after `month:`, as in month:sql_at") }
            field = .month(of: column)
        } else if trimmed == "source", let column = spec.tables.leads.source {
            field = .column(ColumnReference(table: .leads, column: column))
        } else if trimmed == "owner", let column = spec.tables.leads.owner {
            field = .column(ColumnReference(table: .leads, column: column))
        } else {
            guard !trimmed.isEmpty, trimmed != "companies." else { throw .badGrouping(text, reason: "the name is empty") }
            field = .column(ColumnReference(parsing: trimmed))
        }
    }

    /// The column to read as text for this grouping, when the data set must keep one.
    var textColumn: ColumnReference? {
        switch field {
        case .column(let reference): return reference
        case .month(let column): return ColumnReference(table: .leads, column: column)
        }
    }

    /// Each lead's group label.
    func labels(_ data: CRMDataSet) throws(ForecastError) -> [String] {
        switch field {
        case .column(let reference):
            // Columns the spec reads in another role: the id, numbers and timestamps.
            if reference.table == .leads {
                if reference.column == data.spec.tables.leads.id { return (0..<data.leadCount).map(data.leadID(at:)) }
                if let numbers = data.leadNumbers(reference.column) {
                    return numbers.map { $0.isNaN ? missingGroupLabel : DecimalText.readable($0, digits: 6) }
                }
                if let seconds = data.leadTimestamps(reference.column) {
                    return seconds.map { $0.isNaN ? missingGroupLabel : Timestamp.string(from: $0) }
                }
            }
            guard let values = data.labels(of: reference) else {
                throw .badGrouping(description, reason: "the data set holds no such column as text")
            }
            return values.map { value in
                guard let value, !value.isEmpty else { return missingGroupLabel }
                return value
            }
        case .month(let column):
            if let seconds = data.leadTimestamps(column) {
                return seconds.map { $0.isNaN ? missingGroupLabel : String(Timestamp.string(from: $0).prefix(7)) }
            }
            let texts: [String?]
            if column == data.spec.tables.leads.id {
                texts = (0..<data.leadCount).map(data.leadID(at:))
            } else if let numbers = data.leadNumbers(column) {
                texts = numbers.map { $0.isNaN ? nil : DecimalText.readable($0, digits: 6) }
            } else if let values = data.labels(of: ColumnReference(table: .leads, column: column)) {
                texts = values
            } else {
                throw .badGrouping(description, reason: "the data set holds no such column")
            }
            var result: [String] = []
            result.reserveCapacity(texts.count)
            for (lead, text) in texts.enumerated() {
                guard let text, !text.isEmpty else {
                    result.append(missingGroupLabel)
                    continue
                }
                guard let seconds = Timestamp.seconds(from: text) else {
                    throw .notATimestamp(column: column, value: text, lead: data.leadID(at: lead))
                }
                result.append(String(Timestamp.string(from: seconds).prefix(7)))
            }
            return result
        }
    }
}
