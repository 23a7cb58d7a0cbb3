import CSVParsing
import Foundation

/// A text column stored as codes into its distinct values: 4 bytes a cell, whatever the text.
struct TextColumn: Sendable {
    /// Per row, the index of its value in `levels`, or -1 when missing.
    var codes: [Int32] = []
    var levels = ByteStringTable()

    /// Row `row`'s text, `nil` when missing.
    func value(at row: Int) -> String? {
        codes[row] < 0 ? nil : levels.key(at: Int(codes[row]))
    }
}

/// How a loaded table keeps one column.
enum ColumnRole: Equatable {
    case id, timestamp, number, text
}

/// One column a spec needs from a table, and the spec entry that needs it (for messages).
struct ColumnRequirement {
    let column: String
    let role: ColumnRole
    let entry: String
}

/// A CSV table read into typed columns: ids interned, timestamps and numbers parsed, text
/// interned; rows that fail when skipping is allowed are left out and counted.
struct LoadedTable: Sendable {
    let file: String
    let header: [String]
    var rowCount = 0
    /// The 1-based line each kept row started on.
    var lines: [Int32] = []
    var ids = ByteStringTable()
    var timestamps: [String: [Double]] = [:]
    var numbers: [String: [Double]] = [:]
    var texts: [String: TextColumn] = [:]
    var skipped = SkippedRows()

    /// Reads `table` from `source`, keeping the `required` columns in their roles and, when
    /// `keepOthers`, every other column as text.
    ///
    /// - Throws: `CRMDataError` for a missing column, an unparsable value, a duplicate or empty
    ///   id (unless `skipInvalid`, which skips and counts those rows), and any CSV error.
    init(_ table: CRMTableReference, from source: any CRMTableSource, required: [ColumnRequirement], keepOthers: Bool,
         skipInvalid: Bool) throws(CRMDataError) {
        file = source.name(of: table)
        let reader = try source.open(table, parts: 1)[0]
        header = reader.header

        var slots: [Slot] = []
        var seen: Set<String> = []
        for requirement in required where !seen.contains(requirement.column) {
            seen.insert(requirement.column)
            guard let index = reader.column(named: requirement.column) else {
                throw .missingColumn(file: file, column: requirement.column, entry: requirement.entry, header: header)
            }
            slots.append(Slot(index: index, column: requirement.column, role: requirement.role, entry: requirement.entry))
        }
        if keepOthers {
            for (index, name) in header.enumerated() where !seen.contains(name) {
                slots.append(Slot(index: index, column: name, role: .text, entry: "tables"))
            }
        }
        // The id goes last: it is interned only once every other value of the row has parsed,
        // so a skipped row leaves no id behind.
        slots.sort { ($0.role == .id ? 1 : 0) < ($1.role == .id ? 1 : 0) }
        var rows = RowReader(file: file, slots: slots, skipInvalid: skipInvalid)
        if slots.contains(where: { $0.role == .id }) { rows.ids.reserveCapacity(source.estimatedRows(table)) }
        do {
            // The closure captures one variable, so each record costs one access to it.
            try reader.forEachRecordView { record in try rows.add(record) }
        } catch let error as CRMDataError {
            throw error
        } catch let error as CSVError {
            throw Self.dataError(error, file: file)
        } catch {
            throw CRMDataError(file: file, message: "\(error)")
        }
        rowCount = rows.rowCount
        lines = rows.lines
        ids = rows.ids
        skipped = rows.skipped
        for (k, slot) in slots.enumerated() {
            switch slot.role {
            case .timestamp: timestamps[slot.column] = rows.slotValues[k]
            case .number: numbers[slot.column] = rows.slotValues[k]
            case .text: texts[slot.column] = rows.slotTexts[k]
            case .id: break
            }
        }
    }

    /// One column read into a slot.
    struct Slot {
        let index: Int
        let column: String
        let role: ColumnRole
        let entry: String
    }

    /// The reading state: the columns by slot (a dictionary lookup per cell would cost more
    /// than the parsing), and the current row's values, committed only once the whole row is
    /// good. A struct with a mutating method, so that the per-cell work does not go through
    /// captured variables (which Swift checks for exclusive access on every use).
    private struct RowReader {
        let file: String
        let slots: [Slot]
        let skipInvalid: Bool
        var slotValues: [[Double]]
        var slotTexts: [TextColumn]
        var rowValues: [Double]
        var rowCodes: [Int32]
        var ids = ByteStringTable()
        var lines: [Int32] = []
        var skipped = SkippedRows()
        var rowCount = 0

        init(file: String, slots: [Slot], skipInvalid: Bool) {
            self.file = file
            self.slots = slots
            self.skipInvalid = skipInvalid
            slotValues = [[Double]](repeating: [], count: slots.count)
            slotTexts = [TextColumn](repeating: TextColumn(), count: slots.count)
            rowValues = [Double](repeating: .nan, count: slots.count)
            rowCodes = [Int32](repeating: -1, count: slots.count)
        }

        mutating func add(_ record: borrowing CSVRecordView) throws(CRMDataError) {
            var failure: CRMDataError?
            var reason = ""
            for k in slots.indices {
                let slot = slots[k]
                let missing = record.isMissing(slot.index)
                switch slot.role {
                case .id:
                    if missing {
                        failure = CRMDataError(file: file, line: record.line, column: slot.column, entry: slot.entry,
                                               message: "the id is empty. Every row needs an id.")
                        reason = "empty id"
                        break
                    }
                    let (index, inserted) = record.withBytes(at: slot.index) { ids.insert($0) }
                    if !inserted {
                        failure = CRMDataError(file: file, line: record.line, column: slot.column, entry: slot.entry,
                                               message: "the id `\(record[slot.index])` appears twice (first on line \(lines[index])). Ids must be unique.")
                        reason = "duplicate id"
                    }
                case .timestamp:
                    if missing { rowValues[k] = .nan; continue }
                    guard let value = record.withBytes(at: slot.index, Timestamp.seconds(from:)) else {
                        failure = CRMDataError(file: file, line: record.line, column: slot.column, entry: slot.entry,
                                               message: "`\(record[slot.index])` is not an ISO 8601 timestamp. "
                                                   + "Write instants like 2025-03-04 or 2025-03-04T14:05:00Z, or leave the cell empty.")
                        reason = "unreadable timestamp in column `\(slot.column)`"
                        break
                    }
                    rowValues[k] = value
                case .number:
                    if missing { rowValues[k] = .nan; continue }
                    guard let value = record.double(at: slot.index), value.isFinite else {
                        failure = CRMDataError(file: file, line: record.line, column: slot.column, entry: slot.entry,
                                               message: "`\(record[slot.index])` is not a finite number. "
                                                   + "Write numbers like 12500 or 0.25 (no thousands separators), or leave the cell empty.")
                        reason = "unreadable number in column `\(slot.column)`"
                        break
                    }
                    rowValues[k] = value
                case .text:
                    rowCodes[k] = missing ? -1 : Int32(record.withBytes(at: slot.index) { slotTexts[k].levels.insert($0).index })
                }
                if failure != nil { break }
            }
            if let failure {
                guard skipInvalid else { throw failure }
                skipped.record("\(file): \(reason)", line: record.line)
                return
            }
            lines.append(Int32(record.line))
            for k in slots.indices {
                switch slots[k].role {
                case .timestamp, .number: slotValues[k].append(rowValues[k])
                case .text: slotTexts[k].codes.append(rowCodes[k])
                case .id: break
                }
            }
            rowCount += 1
        }
    }

    /// About how many rows `url` holds, from the line breaks in its first 64 KiB and its size;
    /// 0 when it cannot be read. Sizes tables up front, so they need not grow row by row.
    static func estimatedRows(_ url: URL) -> Int {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return 0 }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 1 << 16), !head.isEmpty,
              let size = try? handle.seekToEnd() else { return 0 }
        let breaks = head.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        return Int(Double(size) / Double(head.count) * Double(max(1, breaks)))
    }

    /// A CSV error as a data error, with its line.
    static func dataError(_ error: CSVError, file: String) -> CRMDataError {
        CRMDataError(file: file, line: error.line, message: csvMessage(error))
    }

    static func csvMessage(_ error: CSVError) -> String {
        if case .unreadableFile(_, let reason) = error {
            return "cannot read the file (\(reason)). Check that the data folder holds it, or correct its `file:` in the spec."
        }
        if case .sourceFailed(_, let message) = error { return message }
        // CSVError's own text starts with the file name; keep the rest.
        let text = error.description
        if let range = text.range(of: ": ") { return String(text[range.upperBound...]) }
        return text
    }
}
