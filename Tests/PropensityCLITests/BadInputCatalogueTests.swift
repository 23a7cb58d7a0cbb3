import Foundation
import TestSupport
import Testing

/// Every row of the README's bad-input catalogue: one bad input put into a generated export
/// (1,500 leads, seed 11), what `propensity` does with it, and the exact message.
struct BadInputCatalogueTests {
    /// The features the catalogue trains, after the generated spec's tables, label and cut-off.
    static let features = """
        features:
          - {name: amount, numeric: amount, transform: log1p, basis: {natural_spline: 3}}
          - {name: employees, numeric: companies.employees, basis: {quantile_bins: 3}, missing: zero}
          - {name: source, categorical: source, min_count: 20}
          - {name: company, hashed: company_id, buckets: 4}
          - {name: touches, sales_touches: {window: {after: sql_at, days: 14}}, describe: "{value} touches"}
          - {name: source_x_touches, interaction: [source, touches]}

        """

    /// A generated export with `catalogue.yaml`, its spec, in a new folder; remove it after.
    func export() throws -> URL {
        let directory = try makeTemporaryDirectory()
        let run = try runPropensity(["generate", "--out", directory.path, "--leads", "1500", "--seed", "11"])
        try #require(run.status == 0, "\(run.standardError)")
        let generated = try String(contentsOf: directory.appending(path: "spec.yaml"), encoding: .utf8)
        let head = try #require(generated.range(of: "\nfeatures:\n")).lowerBound
        try (generated[...head] + Self.features).write(to: directory.appending(path: "catalogue.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    /// Rewrites `file` of `directory` line by line (lines without their line break).
    func edit(_ file: String, in directory: URL, _ change: (inout [String]) -> Void) throws {
        let url = directory.appending(path: file)
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        change(&lines)
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
    }

    /// Appends `lines` to the end of `catalogue.yaml`; returns how many lines it had before.
    func appendToSpec(in directory: URL, _ lines: [String]) throws -> Int {
        var before = 0
        try edit("catalogue.yaml", in: directory) { text in
            if text.last == "" { text.removeLast() }
            before = text.count
            text += lines + [""]
        }
        return before
    }

    /// Sets field `field` of line `line` (0 = header) of a generated file, which quotes nothing.
    func setField(_ lines: inout [String], line: Int, field: Int, to value: String) {
        var fields = lines[line].components(separatedBy: ",")
        fields[field] = value
        lines[line] = fields.joined(separator: ",")
    }

    /// `train --spec catalogue.yaml` on `directory`.
    func train(_ directory: URL) throws -> CommandResult {
        try runPropensity(["train", "--spec", directory.appending(path: "catalogue.yaml").path, "--data", directory.path,
                           "--l2", "1", "--out", directory.appending(path: "model.json").path])
    }

    /// Expects `train` to fail with exactly `message` and to write no model.
    func expectRefused(_ directory: URL, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let run = try train(directory)
        #expect(run.status == 1, sourceLocation: sourceLocation)
        #expect(run.standardError == "Error: \(message)\n", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: directory.appending(path: "model.json").path), sourceLocation: sourceLocation)
    }

    /// The line `train` prints with the counts it trained on, or `nil`.
    func trainedLine(_ run: CommandResult) -> String? {
        run.standardOutput.split(separator: "\n").first { $0.hasPrefix("Trained on ") }.map(String.init)
    }

    static let leadsColumns = "`lead_id`, `company_id`, `owner_rep`, `source`, `created_at`, `mql_at`, `sal_at`, `sql_at`, "
        + "`bant_budget`, `bant_authority`, `bant_need`, `bant_timeline`, `amount`, `acquisition_cost`, `outcome`, `closed_at`, "
        + "`final_amount`, `loss_reason`, `forecast_category`"

    @Test("Bytes that are not UTF-8 are refused at their line")
    func encoding() throws {
        let directory = try export()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appending(path: "companies.csv")
        var lines = try Data(contentsOf: url).split(separator: 0x0A, omittingEmptySubsequences: false)
        var fields = lines[5].split(separator: 0x2C, omittingEmptySubsequences: false)
        fields[1] = Data("Caf".utf8 + [0xE9] + " GmbH".utf8)[...]  // Latin-1, as a spreadsheet may save it
        lines[5] = Data(fields.joined(separator: [0x2C]))[...]
        try Data(lines.joined(separator: [0x0A])).write(to: url)
        try expectRefused(directory, "companies.csv, line 6: the text is not valid UTF-8. Save the file as UTF-8 (with or without a byte order mark).")
    }

    @Test("A byte order mark and CRLF line ends are read past: the same leads and events are trained on")
    func byteOrderMark() throws {
        let directory = try export()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = try train(directory)
        try #require(plain.status == 0, "\(plain.standardError)")
        for file in ["leads.csv", "companies.csv", "contacts.csv", "events.csv"] {
            let url = directory.appending(path: file)
            try (Data([0xEF, 0xBB, 0xBF]) + Data(contentsOf: url)).write(to: url)
        }
        try edit("contacts.csv", in: directory) { lines in lines = lines.map { $0.isEmpty ? $0 : $0 + "\r" } }
        let marked = try train(directory)
        #expect(marked.status == 0, "\(marked.standardError)")
        #expect(trainedLine(marked) != nil && trainedLine(marked) == trainedLine(plain))
    }

    @Test("A ragged row is refused with the counts of fields")
    func raggedRow() throws {
        let directory = try export()
        defer { try? FileManager.default.removeItem(at: directory) }
        try edit("leads.csv", in: directory) { $0[7] = String($0[7][..<$0[7].lastIndex(of: ",")!]) }
        try expectRefused(directory, "leads.csv, line 8: expected 19 fields as in the header, found 18. "
            + "Every row needs one value per column; quote values that contain commas.")
    }

    @Test("An unterminated quote is refused at the line where it opens")
    func unterminatedQuote() throws {
        let directory = try export()
        defer { try? FileManager.default.removeItem(at: directory) }
        try edit("companies.csv", in: directory) { $0[9] = $0[9].replacingOccurrences(of: ",", with: ",\"", options: [], range: $0[9].range(of: ",")) }
        try expectRefused(directory, "companies.csv, line 10: the quoted field that opens here is never closed. "
            + "End it with a quote, and write a quote inside a quoted field as two quotes (\"\").")
    }

    @Test("Thousands separators, decimal commas, NaN and infinity in a number column are refused", arguments: [
        ("\"1,234\"", "1,234"), ("\"12,5\"", "12,5"), ("nan", "nan"), ("-inf", "-inf"),
    ])
    func notAFiniteNumber(cell: String, shown: String) throws {
        let directory = try export()
        defer { try? FileManager.default.removeItem(at: directory) }
        try edit("leads.csv", in: directory) { setField(&$0, line: 4, field: 12, to: cell) }
        try expectRefused(directory, "leads.csv, line 5, column `amount` (tables.leads.amount): `\(shown)` is not a finite number. "
            + "Write numbers like 12500 or 0.25 (no thousands separators), or leave the cell empty.")
    }

    @Test("Infinity in a companies column is refused too")
    func infinityInCompanies() throws {
        let directory = try export()
        defer { try? FileManager.default.removeItem(at: directory) }
        try edit("companies.csv", in: directory) { setField(&$0, line: 4, field: 3, to: "inf") }
        try expectRefused(directory, "companies.csv, line 5, column `employees` (features[1] (employees)): `inf` is not a finite number. "
            + "Write numbers like 12500 or 0.25 (no thousands separators), or leave the cell empty.")
    }

    @Test("ISO 8601 dates, times and offsets are read; other date formats are refused", arguments: [
        ("2023-07-03", nil), ("2023-07-03 09:21:06", nil), ("2023-07-03T09:21:06.5-05:30", nil), ("2023-07-03T11:21:06+02:00", nil),
        ("03/07/2023 09:21", "03/07/2023 09:21"), ("1688376066", "1688376066"), ("2023-07-03T09:21:06 PST", "2023-07-03T09:21:06 PST"),
    ] as [(String, String?)])
    func timestamps(cell: String, refused: String?) throws {
        let directory = try export()
        defer { try? FileManager.default.removeItem(at: directory) }
        try edit("leads.csv", in: directory) { setField(&$0, line: 2, field: 7, to: cell) }
        if let refused {
            try expectRefused(directory, "leads.csv, line 3, column `sql_at` (cutoff.after): `\(refused)` is not an ISO 8601 timestamp. "
                + "Write instants like 2025-03-04 or 2025-03-04T14:05:00Z, or leave the cell empty.")
        } else {
            let run = try train(directory)
            #expect(run.status == 0, "\(run.standardError)")
        }
    }

    @Test("A duplicate id is refused with both lines")
    func duplicateID() throws {
        let directory = try export()
        defer { try? FileManager.default.removeItem(at: directory) }
        try edit("leads.csv", in: directory) { $0.insert($0[3], at: $0.count - 1) }
        try expectRefused(directory, "leads.csv, line 1502, column `lead_id` (tables.leads.id): the id `L3` appears twice (first on line 4). Ids must be unique.")
    }

    @Test("An event before its lead was created counts like any event before the cut-off")
    func eventBeforeTheLead() throws {
        let directory = try export()
        defer { try? FileManager.default.removeItem(at: directory) }
        // L1 was created on 2023-05-23; its contact's web visits of May 2023 came before.
        try edit("events.csv", in: directory) { setField(&$0, line: 2, field: 3, to: "1999-05-15T09:53:34Z") }
        let run = try train(directory)
        #expect(run.status == 0, "\(run.standardError)")
    }

    @Test("A won or lost lead without a close date is cut off at sql_at + 14 days and ordered by that")
    func outcomeWithoutCloseDate() throws {
        let directory = try export()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try train(directory)
        try edit("leads.csv", in: directory) { setField(&$0, line: 1, field: 15, to: "") }
        let after = try train(directory)
        #expect(after.status == 0, "\(after.standardError)")
        #expect(trainedLine(after) != nil && trainedLine(after) == trainedLine(before))
    }

    @Test("Empty tables: no leads is the won/lost floor, no events makes event features constant; a file without even a header is refused")
    func emptyTables() throws {
        let directory = try export()
        defer { try? FileManager.default.removeItem(at: directory) }
        try edit("events.csv", in: directory) { $0 = [$0[0], ""] }
        let noEvents = try train(directory)
        #expect(noEvents.status == 1)
        #expect(noEvents.standardError.hasPrefix("Error: Columns `touches` (always 0), `source=paid_ads*touches` (always 0), "))
        #expect(noEvents.standardError.hasSuffix(" are constant and cannot inform the model; remove them.\n"))
        for file in ["leads.csv", "companies.csv", "contacts.csv", "events.csv"] {
            try edit(file, in: directory) { $0 = [$0[0], ""] }
        }
        try expectRefused(directory, "leads.csv has 0 won and 0 lost closed leads; training needs at least 40 of each (won: won; lost: lost). "
            + "Add more history, check the label values in the spec, or lower the floor with --min-class-count.")
        try Data().write(to: directory.appending(path: "events.csv"))
        try expectRefused(directory, "events.csv: events.csv has no header row. Put the column names on the first line, separated by commas.")
    }

    @Test("A spec whose aliases expand past 100,000 values (an alias bomb) is refused before it is built")
    func aliasBomb() throws {
        let directory = try export()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lineCount = try appendToSpec(in: directory,
                                         ["a0: &a0 [x, x]"] + (1..<26).map { "a\($0): &a\($0) [*a\($0 - 1), *a\($0 - 1)]" })
        try expectRefused(directory, "catalogue.yaml, line \(lineCount + 15), column 18: the alias `*a13` takes the spec past 100000 "
            + "values once aliases are expanded; a spec needs a few hundred. Write the repeated parts out instead of nesting "
            + "aliases in aliases.")
    }

    @Test("A spec key that is an alias of a list (which Yams would hash in full) is refused")
    func aliasKey() throws {
        let directory = try export()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lineCount = try appendToSpec(in: directory, ["a0: &a0 [x, x]", "? *a0", ": v"])
        try expectRefused(directory, "catalogue.yaml, line \(lineCount + 2), column 3: a key here is the alias `*a0`; a spec's "
            + "keys are plain names. Write the key out as text.")
    }

    @Test("A spec naming a column the file lacks is refused with the columns it has")
    func missingColumn() throws {
        let directory = try export()
        defer { try? FileManager.default.removeItem(at: directory) }
        try edit("catalogue.yaml", in: directory) { lines in lines = lines.map { $0.replacingOccurrences(of: "numeric: amount,", with: "numeric: amount_usd,") } }
        try expectRefused(directory, "leads.csv, column `amount_usd` (features[0] (amount)): the spec names this column, which the file lacks. "
            + "Its columns are: \(Self.leadsColumns).")
    }

    @Test("A model of another format version, cut short, or holding NaN is refused by score", arguments: [
        "version 1", "version 5", "cut short", "NaN",
    ])
    func damagedModel(kind: String) throws {
        let directory = try export()
        defer { try? FileManager.default.removeItem(at: directory) }
        try #require(try train(directory).status == 0)
        let url = directory.appending(path: "model.json")
        var text = try String(contentsOf: url, encoding: .utf8)
        switch kind {
        case "version 1": text = text.replacingOccurrences(of: "\"formatVersion\" : 2", with: "\"formatVersion\" : 1")
        case "version 5": text = text.replacingOccurrences(of: "\"formatVersion\" : 2", with: "\"formatVersion\" : 5")
        case "cut short": text = String(text.prefix(text.count * 2 / 3))
        default: text = text.replacing(/"intercept" : [-0-9.e]+/, with: "\"intercept\" : NaN")
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
        let out = directory.appending(path: "scores.csv")
        let run = try runPropensity(["score", "--model", url.path, "--data", directory.path, "--out", out.path])
        #expect(run.status == 1)
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let expected = switch kind {
        case "version 1", "version 5":
            "\(url.path) is a model of format version \(kind.last!); this Propensity (0.1.0) reads versions 2 to 4. Retrain the model with this version."
        default:
            "The model file \(url.path) is damaged or was edited by hand: it is not valid JSON (cut short, or holding a number "
                + "JSON cannot, such as NaN or 1e999). Retrain the model or restore the file."
        }
        #expect(run.standardError == "Error: \(expected)\n")
    }
}
