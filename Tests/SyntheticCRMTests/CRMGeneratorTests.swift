import Foundation
import SyntheticCRM
import TestSupport
import Testing

/// The files `CRMGenerator` writes: determinism, integrity, outcomes, timestamps and the truth.
struct CRMGeneratorTests {
    static let csvNames = ["companies.csv", "contacts.csv", "leads.csv", "events.csv", "truth.csv"]

    @Test("The same seed and lead count give byte-identical files; another seed gives other files")
    func determinism() throws {
        let first = try GeneratedExport(leads: 600, seed: 11)
        let again = try GeneratedExport(leads: 600, seed: 11)
        let other = try GeneratedExport(leads: 600, seed: 12)
        for name in CRMGenerator.fileNames {
            #expect(try Data(contentsOf: first.url(name)) == Data(contentsOf: again.url(name)), "\(name)")
        }
        for name in CRMGeneratorTests.csvNames {
            #expect(try Data(contentsOf: first.url(name)) != Data(contentsOf: other.url(name)), "\(name)")
        }
        #expect(first.summary.events == again.summary.events && first.summary.won == again.summary.won)
    }

    @Test("Every id is unique and every reference points at an existing row of the right lead")
    func referentialIntegrity() throws {
        let export = try GeneratedExport(leads: 2000, seed: 3)
        let companies = try export.table("companies.csv"), leads = try export.table("leads.csv")
        let contacts = try export.table("contacts.csv"), events = try export.table("events.csv")

        let companyIDs = Set(companies.values("company_id"))
        #expect(companyIDs.count == companies.rows.count && companies.rows.count == 500)
        let leadIDs = Set(leads.values("lead_id"))
        #expect(leadIDs.count == 2000)
        #expect(Set(leads.values("company_id")).isSubset(of: companyIDs))

        var leadOfContact: [Substring: Substring] = [:]
        for row in contacts.rows { leadOfContact[row[contacts.column("contact_id")]] = row[contacts.column("lead_id")] }
        #expect(leadOfContact.count == contacts.rows.count)
        #expect(Set(leadOfContact.values) == leadIDs)  // every lead has a buying team
        let teamSizes = Dictionary(grouping: leadOfContact.values, by: { $0 }).mapValues(\.count)
        #expect(teamSizes.values.allSatisfy { (1...8).contains($0) })
        let meanTeam = Double(contacts.rows.count) / 2000
        #expect(meanTeam >= 4 && meanTeam <= 5, "mean buying team \(meanTeam)")

        let eventIDs = Set(events.values("event_id"))
        #expect(eventIDs.count == events.rows.count)
        let eventContact = events.column("contact_id"), eventLead = events.column("lead_id")
        var leadOnly = 0
        for row in events.rows {
            #expect(leadIDs.contains(row[eventLead]))
            if row[eventContact].isEmpty { leadOnly += 1; continue }
            #expect(leadOfContact[row[eventContact]] == row[eventLead], "event \(row[0])")
        }
        #expect(leadOnly > 0 && leadOnly < events.rows.count / 10)  // some touches are logged on the lead only

        for (name, table) in [("companies", companies), ("leads", leads), ("contacts", contacts), ("events", events)] {
            #expect(table.rows.allSatisfy { $0.count == table.header.count }, "\(name)")
            #expect(table.rows.allSatisfy { row in row.allSatisfy { !$0.contains("\"") } }, "\(name)")
        }
        #expect(export.summary.companies == 500 && export.summary.leads == 2000)
        #expect(export.summary.contacts == contacts.rows.count && export.summary.events == events.rows.count)
    }

    @Test("Closed leads win at a plausible rate; open leads have no outcome and no outcome-time fields")
    func outcomes() throws {
        let export = try GeneratedExport(leads: 2000, seed: 3)
        let leads = try export.table("leads.csv")
        let outcome = leads.column("outcome"), closedAt = leads.column("closed_at"), finalAmount = leads.column("final_amount")
        let lossReason = leads.column("loss_reason"), forecast = leads.column("forecast_category")
        var won = 0, lost = 0, open = 0, wonCommitted = 0, lostOmitted = 0
        for row in leads.rows {
            switch row[outcome] {
            case "won":
                won += 1
                #expect(!row[closedAt].isEmpty && !row[finalAmount].isEmpty && row[lossReason].isEmpty && !row[forecast].isEmpty)
                if row[forecast] == "commit" { wonCommitted += 1 }
            case "lost":
                lost += 1
                #expect(!row[closedAt].isEmpty && row[finalAmount].isEmpty && !row[lossReason].isEmpty && !row[forecast].isEmpty)
                if row[forecast] == "omitted" { lostOmitted += 1 }
            default:
                open += 1
                #expect(row[outcome].isEmpty && row[closedAt].isEmpty && row[finalAmount].isEmpty)
                #expect(row[lossReason].isEmpty && row[forecast].isEmpty)
            }
        }
        #expect((export.summary.won, export.summary.lost, export.summary.open) == (won, lost, open))
        let wonRate = Double(won) / Double(won + lost)
        #expect(wonRate > 0.2 && wonRate < 0.4, "won rate \(wonRate)")
        let openShare = Double(open) / 2000
        #expect(openShare > 0.1 && openShare < 0.25, "open share \(openShare)")
        // The leaky column gives the outcome away.
        #expect(Double(wonCommitted) / Double(won) > 0.75 && Double(lostOmitted) / Double(lost) > 0.7)
    }

    @Test("Timestamps parse as ISO 8601 and follow the funnel; nothing happens at or after the export's now")
    func timestamps() throws {
        let export = try GeneratedExport(leads: 2000, seed: 3)
        let leads = try export.table("leads.csv"), events = try export.table("events.csv")
        let now = CRMGenerator.now
        #expect(now == (try Date("2025-07-01T00:00:00Z", strategy: .iso8601)))
        let twoYearsBefore = now.addingTimeInterval(-730 * 86_400)
        var missingMQL = 0, missingSAL = 0
        var sqlOf: [Substring: Date] = [:]
        for row in leads.rows {
            let stamp = { (name: String) in parseTimestamp(row[leads.column(name)]) }
            let created = try #require(stamp("created_at")), sql = try #require(stamp("sql_at"))
            sqlOf[row[0]] = sql
            #expect(sql >= twoYearsBefore && sql < now)
            let mql = stamp("mql_at"), sal = stamp("sal_at")
            if mql == nil { missingMQL += 1 }
            if sal == nil { missingSAL += 1 }
            let stages = [created, mql, sal, sql].compactMap { $0 }
            #expect(zip(stages, stages.dropFirst()).allSatisfy { $0 <= $1 }, "\(row[0])")
            if let closed = stamp("closed_at") { #expect(closed > sql && closed < now) }
        }
        #expect(missingMQL > 100 && missingMQL < 800 && missingSAL > 100 && missingSAL < 500)

        let time = events.column("occurred_at"), lead = events.column("lead_id")
        var previous: (Substring, Date)?
        for row in events.rows {
            let at = try #require(parseTimestamp(row[time]))
            #expect(at < now)
            if let (lastLead, lastTime) = previous, lastLead == row[lead] { #expect(lastTime <= at) }  // in time order within a lead
            previous = (row[lead], at)
        }
        // Some events precede the SQL by weeks (nurture), as a CRM keeps them.
        let early = events.rows.filter { row in sqlOf[row[lead]].map { parseTimestamp(row[time])! < $0.addingTimeInterval(-7 * 86_400) } ?? false }
        #expect(early.count > events.rows.count / 20)
    }

    @Test("Won deals have events after the close (onboarding), which only an extractor ignoring the cut-off would see")
    func eventsAfterTheClose() throws {
        let export = try GeneratedExport(leads: 2000, seed: 3)
        let leads = try export.table("leads.csv"), events = try export.table("events.csv")
        var closeOfWon: [Substring: Date] = [:]
        for row in leads.rows where row[leads.column("outcome")] == "won" {
            closeOfWon[row[0]] = parseTimestamp(row[leads.column("closed_at")])
        }
        var wonWithLateEvents = Set<Substring>()
        var lateTypes = Set<Substring>()
        for row in events.rows {
            let lead = row[events.column("lead_id")]
            guard let close = closeOfWon[lead], parseTimestamp(row[events.column("occurred_at")])! > close else { continue }
            wonWithLateEvents.insert(lead)
            lateTypes.insert(row[events.column("event_type")])
        }
        #expect(Double(wonWithLateEvents.count) > 0.7 * Double(closeOfWon.count))
        #expect(lateTypes.isSuperset(of: ["meeting", "call", "web_visit"]))
    }

    @Test("truth.csv holds every closed lead's probability, in (0, 1), with a plausible AUC that the summary reports")
    func truth() throws {
        let export = try GeneratedExport(leads: 2000, seed: 3)
        let leads = try export.table("leads.csv"), truth = try export.table("truth.csv")
        #expect(truth.header == ["lead_id", "true_probability"])
        var outcomeOf: [Substring: Bool] = [:]
        for row in leads.rows where !row[leads.column("outcome")].isEmpty {
            outcomeOf[row[0]] = row[leads.column("outcome")] == "won"
        }
        #expect(Set(truth.values("lead_id")) == Set(outcomeOf.keys) && truth.rows.count == outcomeOf.count)
        let scored = try truth.rows.map { row -> (Double, Bool) in
            let p = try #require(Double(row[1]))
            return (p, outcomeOf[row[0]]!)
        }
        #expect(scored.allSatisfy { $0.0 > 0 && $0.0 < 1 })
        // Exact AUC: the share of (win, loss) pairs the probability orders correctly, ties half.
        let wins = scored.filter(\.1).map(\.0), losses = scored.filter { !$0.1 }.map(\.0).sorted()
        var correct = 0.0
        for p in wins {
            let below = losses.partitioningIndex { $0 >= p }
            let notAbove = losses.partitioningIndex { $0 > p }
            correct += Double(below) + 0.5 * Double(notAbove - below)
        }
        let auc = correct / Double(wins.count * losses.count)
        #expect(auc > 0.7 && auc < 0.9, "AUC \(auc)")
        #expect(abs(export.summary.trueModelAUC - auc) < 1e-3)
        // Calibration in the large: the true probabilities add up to about the wins.
        let expected = scored.reduce(0) { $0 + $1.0 }
        #expect(abs(expected - Double(wins.count)) < 3 * expected.squareRoot())
    }

    @Test("Existing files are refused unless overwriting is allowed; no temporary file is left behind")
    func overwriting() throws {
        let export = try GeneratedExport(leads: 50, seed: 1)
        let before = try Data(contentsOf: export.url("events.csv"))
        #expect(throws: GenerationError.filesExist(directory: export.directory.path, names: CRMGenerator.fileNames)) {
            try CRMGenerator(leads: 60, seed: 2).write(to: export.directory)
        }
        #expect(try Data(contentsOf: export.url("events.csv")) == before)
        let summary = try CRMGenerator(leads: 60, seed: 2).write(to: export.directory, overwrite: true)
        let rewritten = try export.table("leads.csv")
        #expect(summary.leads == 60 && rewritten.rows.count == 60)
        #expect(try FileManager.default.contentsOfDirectory(atPath: export.directory.path).sorted() == CRMGenerator.fileNames.sorted())
        #expect(GenerationError.filesExist(directory: "/data/crm", names: ["leads.csv", "spec.yaml"]).description
            == "/data/crm already holds `leads.csv`, `spec.yaml`. Choose another folder, or allow overwriting (--force on the command line).")
    }

    @Test("A run that fails removes its temporary files")
    func failedRun() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A folder where effects.json should go: renaming the finished file onto it fails.
        let blocker = directory.appendingPathComponent("effects.json")
        try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: false)
        try FileManager.default.createDirectory(at: blocker.appendingPathComponent("keep"), withIntermediateDirectories: false)
        #expect(throws: GenerationError.self) {
            try CRMGenerator(leads: 20, seed: 1).write(to: directory, overwrite: true)
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(!left.contains { $0.hasPrefix(".") }, "\(left)")
    }

    @Test("A lead count below 1 is refused with a sentence saying so; the output folder must not be a file")
    func invalidArguments() throws {
        #expect(throws: GenerationError.invalidLeadCount(0)) { try CRMGenerator(leads: 0, seed: 1) }
        #expect(GenerationError.invalidLeadCount(-3).description == "The number of leads must be at least 1, not -3.")
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("plain")
        try Data("x".utf8).write(to: file)
        #expect(throws: GenerationError.cannotCreateDirectory(path: file.path, reason: "a file of that name exists")) {
            try CRMGenerator(leads: 5, seed: 1).write(to: file)
        }
    }
}

extension Array {
    /// The first index whose element satisfies `belongs` (which must hold for a suffix).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
