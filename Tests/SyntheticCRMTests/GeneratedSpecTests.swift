import Foundation
import SyntheticCRM
import TestSupport
import Testing
import Yams

/// `spec.yaml` and `effects.json`: they describe the CSV files, and they are the model the
/// outcomes were drawn from. The checks read the files only, with their own code.
struct GeneratedSpecTests {
    struct Effects: Decodable {
        struct Effect: Decodable {
            let feature: String
            let column: String
            let reference: String?
            let coefficient: Double
            let description: String
        }
        struct Harmless: Decodable {
            let feature: String
            let description: String
        }
        let intercept: Double
        let effects: [Effect]
        let harmlessFeatures: [Harmless]
    }

    static func spec(_ export: GeneratedExport) throws -> [String: Any] {
        let text = try String(contentsOf: export.url("spec.yaml"), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    static func effects(_ export: GeneratedExport) throws -> Effects {
        try JSONDecoder().decode(Effects.self, from: Data(contentsOf: export.url("effects.json")))
    }

    static func features(_ spec: [String: Any]) throws -> [[String: Any]] {
        try #require(spec["features"] as? [[String: Any]])
    }

    @Test("spec.yaml parses as YAML and names the export's files, columns, label, cut-off and sales touches")
    func structure() throws {
        let export = try GeneratedExport(leads: 300, seed: 5)
        let spec = try GeneratedSpecTests.spec(export)
        #expect(spec["version"] as? Int == 1)
        let label = try #require(spec["label"] as? [String: [String]])
        #expect(label == ["won": ["won"], "lost": ["lost"]])
        let cutoff = try #require(spec["cutoff"] as? [String: Any])
        #expect(cutoff["after"] as? String == "sql_at" && cutoff["days"] as? Int == 14)
        #expect(spec["outcome_time"] as? [String] == ["final_amount", "loss_reason"])
        #expect(spec["sales_touch_types"] as? [String] == ["call", "meeting", "sales_email"])

        let tables = try #require(spec["tables"] as? [String: [String: String]])
        #expect(Set(tables.keys) == ["leads", "companies", "contacts", "events"])
        for (name, table) in tables {
            let file = try #require(table["file"])
            let header = try export.table(file).header
            for (key, column) in table where key != "file" {
                #expect(header.contains(column), "\(name).\(key) = \(column) is not a column of \(file)")
            }
        }
        #expect(tables["leads"]?["outcome"] == "outcome" && tables["leads"]?["closed_at"] == "closed_at")

        // The leaky column is in the data, and nowhere in the spec but its comment.
        #expect(try export.table("leads.csv").header.contains("forecast_category"))
        func strings(_ value: Any) -> [String] {
            switch value {
            case let text as String: return [text]
            case let list as [Any]: return list.flatMap(strings)
            case let map as [String: Any]: return map.keys.map { $0 } + map.values.flatMap(strings)
            default: return []
            }
        }
        #expect(!strings(spec).contains { $0.contains("forecast_category") })
    }

    @Test("The spec's features are the true model's and the harmless ones; every effect names a column the spec makes")
    func featuresMatchEffects() throws {
        let export = try GeneratedExport(leads: 2000, seed: 5)
        let features = try GeneratedSpecTests.features(try GeneratedSpecTests.spec(export))
        let effects = try GeneratedSpecTests.effects(export)
        let names = features.compactMap { $0["name"] as? String }
        #expect(names.count == features.count && Set(names).count == names.count)
        let modelled = Set(effects.effects.map(\.feature)), harmless = Set(effects.harmlessFeatures.map(\.feature))
        #expect(modelled.isDisjoint(with: harmless))
        #expect(Set(names) == modelled.union(harmless))
        #expect(modelled == ["buying_team_14d", "finance_read_justification", "speed_to_lead", "engagement", "employees", "source",
                             "bant_budget", "bant_authority", "bant_need", "bant_timeline", "owner_rep", "rep_by_source"])

        let leads = try export.table("leads.csv")
        let byName = Dictionary(uniqueKeysWithValues: features.map { ($0["name"] as! String, $0) })
        func level(_ part: Substring) throws -> (feature: String, level: String) {
            let pieces = part.split(separator: "=", maxSplits: 1)
            try #require(pieces.count == 2, "\(part)")
            let feature = String(pieces[0]), level = String(pieces[1])
            let column = try #require(byName[feature]?["categorical"] as? String, "\(feature) is not categorical")
            #expect(Set(leads.values(column)).contains(Substring(level)), "\(feature) has no level \(level)")
            // Levels are relative to the most frequent level, which the reference must be.
            let counts = Dictionary(grouping: leads.values(column), by: { $0 }).mapValues(\.count)
            let mostFrequent = counts.max { $0.value < $1.value }!.key
            #expect(counts[Substring(level)]! < counts[mostFrequent]!)
            return (feature, String(mostFrequent))
        }
        for effect in effects.effects {
            #expect(!effect.description.isEmpty && effect.coefficient != 0)
            if effect.column.contains("*") {
                #expect(byName[effect.feature]?["interaction"] as? [String] == ["owner_rep", "source"])
                let parts = try effect.column.split(separator: "*").map(level)
                #expect(parts.map(\.feature) == ["owner_rep", "source"])
                #expect(effect.reference == parts.map(\.level).joined(separator: ", "))
            } else if effect.column.contains("=") {
                let (feature, reference) = try level(Substring(effect.column))
                #expect(feature == effect.feature && effect.reference == reference)
            } else {
                #expect(effect.column == effect.feature || effect.column == effect.feature + ":missing")
                #expect(effect.reference == nil)
            }
        }
    }

    @Test("Each closed lead's probability, recomputed from the files as the spec defines its features, is truth.csv's")
    func truthFromFiles() throws {
        let export = try GeneratedExport(leads: 2000, seed: 5)
        let recomputed = try RecomputedTruth(export)
        let truth = try export.table("truth.csv")
        #expect(truth.rows.count == recomputed.probability.count && truth.rows.count > 1500)
        var largest = 0.0
        for row in truth.rows {
            let expected = try #require(Double(row[1]))
            let computed = try #require(recomputed.probability[row[0]])
            largest = max(largest, abs(computed - expected))
        }
        #expect(largest < 1e-12, "largest difference \(largest)")
    }

    @Test("The closed leads show the domain's effects in the direction effects.json gives them")
    func directions() throws {
        let export = try GeneratedExport(leads: 4000, seed: 8)
        let recomputed = try RecomputedTruth(export)
        let leads = try export.table("leads.csv")
        var won: [Substring: Bool] = [:]
        var row: [Substring: [Substring]] = [:]
        for values in leads.rows where !values[leads.column("outcome")].isEmpty {
            won[values[0]] = values[leads.column("outcome")] == "won"
            row[values[0]] = values
        }
        func winRate(_ include: (Substring) -> Bool) -> Double {
            let ids = won.keys.filter(include)
            return Double(ids.filter { won[$0]! }.count) / Double(ids.count)
        }
        func value(_ feature: String, _ id: Substring) -> Double? { recomputed.raw[feature]![id]! }
        #expect(winRate { value("buying_team_14d", $0)! >= 5 } > winRate { value("buying_team_14d", $0)! <= 2 } + 0.1)
        #expect(winRate { value("finance_read_justification", $0) == 1 } > winRate { value("finance_read_justification", $0) == 0 } + 0.05)
        #expect(winRate { value("speed_to_lead", $0) == nil } < winRate { value("speed_to_lead", $0) != nil } - 0.1)
        #expect(winRate { value("speed_to_lead", $0).map { $0 < 2 } ?? false } > winRate { value("speed_to_lead", $0).map { $0 > 48 } ?? false })
        let source = leads.column("source"), need = leads.column("bant_need")
        #expect(winRate { row[$0]![source] == "referral" } > winRate { row[$0]![source] == "paid_ads" } + 0.1)
        #expect(winRate { row[$0]![need] == "yes" } > winRate { row[$0]![need] == "no" } + 0.1)
    }
}

/// The true probabilities of the closed leads, recomputed from the CSV files by reading
/// spec.yaml's feature definitions and effects.json's coefficients: an implementation of the
/// spec format independent of the generator's.
struct RecomputedTruth {
    /// Per feature name, per closed lead, the feature's value before any transform (`nil`: missing).
    var raw: [String: [Substring: Double?]] = [:]
    /// Per closed lead, the true probability of a win.
    var probability: [Substring: Double] = [:]

    init(_ export: GeneratedExport) throws {
        let spec = try GeneratedSpecTests.spec(export)
        let effects = try GeneratedSpecTests.effects(export)
        let features = try GeneratedSpecTests.features(spec)
        let cutoffSpec = try #require(spec["cutoff"] as? [String: Any])
        let afterColumn = try #require(cutoffSpec["after"] as? String)
        let cutoffDays = try #require(number(cutoffSpec["days"]))
        let touchTypes = Set(try #require(spec["sales_touch_types"] as? [String]))

        let leads = try export.table("leads.csv"), companies = try export.table("companies.csv")
        let contacts = try export.table("contacts.csv"), events = try export.table("events.csv")
        var companyRow: [Substring: [Substring]] = [:]
        for row in companies.rows { companyRow[row[0]] = row }
        var roleOf: [Substring: Substring] = [:]
        for row in contacts.rows { roleOf[row[contacts.column("contact_id")]] = row[contacts.column("job_function")] }

        struct Lead {
            let row: [Substring]
            let cutoff: Date
        }
        var closed: [Substring: Lead] = [:]
        for row in leads.rows where !row[leads.column("outcome")].isEmpty {
            let after = parseTimestamp(row[leads.column(afterColumn)])!
            let closedAt = parseTimestamp(row[leads.column("closed_at")])!
            closed[row[0]] = Lead(row: row, cutoff: min(after.addingTimeInterval(cutoffDays * 86_400), closedAt))
        }
        func leadTime(_ lead: Lead, _ column: String) -> Date? { parseTimestamp(lead.row[leads.column(column)]) }
        func leadValue(_ lead: Lead, _ column: String) -> Substring {
            if column.hasPrefix("companies.") {
                let company = companyRow[lead.row[leads.column("company_id")]]!
                return company[companies.column(String(column.dropFirst("companies.".count)))]
            }
            return lead.row[leads.column(column)]
        }

        // Event-based features, accumulated in one pass over events.csv.
        var teams: [String: [Substring: Set<Substring>]] = [:]
        var consumed: [String: Set<Substring>] = [:]
        var firstTouch: [String: [Substring: Date]] = [:]
        var decayed: [String: [Substring: Double]] = [:]
        let time = events.column("occurred_at"), type = events.column("event_type"), contact = events.column("contact_id")
        let asset = events.column("asset"), leadColumn = events.column("lead_id")
        for event in events.rows {
            guard let lead = closed[event[leadColumn]], let at = parseTimestamp(event[time]), at < lead.cutoff else { continue }
            let id = event[leadColumn], eventType = String(event[type])
            for feature in features {
                let name = feature["name"] as! String
                if let definition = feature["distinct_contacts"] as? [String: Any] {
                    let types = definition["types"] as? [String], window = definition["window"] as? [String: Any]
                    guard types?.contains(eventType) ?? true, !event[contact].isEmpty else { continue }
                    if let window, let after = window["after"] as? String {
                        let start = leadTime(lead, after)!
                        guard at >= start && at < start.addingTimeInterval(number(window["days"])! * 86_400) else { continue }
                    }
                    teams[name, default: [:]][id, default: []].insert(event[contact])
                } else if let definition = feature["consumed"] as? [String: Any] {
                    let roles = definition["roles"] as? [String], assets = definition["assets"] as? [String]
                    guard !event[contact].isEmpty, roles?.contains(String(roleOf[event[contact]]!)) ?? true,
                          assets?.contains(String(event[asset])) ?? true else { continue }
                    consumed[name, default: []].insert(id)
                } else if feature["speed_to_lead"] != nil {
                    guard touchTypes.contains(eventType) else { continue }
                    if firstTouch[name]?[id].map({ at < $0 }) ?? true { firstTouch[name, default: [:]][id] = at }
                } else if let definition = feature["decayed_engagement"] as? [String: Any] {
                    let types = definition["types"] as? [String]
                    guard types?.contains(eventType) ?? true else { continue }
                    let halfLife = number(definition["half_life_days"]) ?? 14
                    let weight = (definition["weights"] as? [String: Any]).flatMap { number($0[eventType]) } ?? 1
                    let ageDays = lead.cutoff.timeIntervalSince(at) / 86_400
                    decayed[name, default: [:]][id, default: 0] += weight * pow(0.5, ageDays / halfLife)
                }
            }
        }

        for (id, lead) in closed {
            var eta = effects.intercept
            func value(_ feature: [String: Any]) -> Double? {
                let name = feature["name"] as! String
                if feature["distinct_contacts"] != nil { return Double(teams[name]?[id]?.count ?? 0) }
                if feature["consumed"] != nil { return consumed[name]?.contains(id) == true ? 1 : 0 }
                if let definition = feature["speed_to_lead"] as? [String: Any] {
                    let from = leadTime(lead, definition["from"] as! String)!
                    return firstTouch[name]?[id].map { $0.timeIntervalSince(from) / 3600 }
                }
                if feature["decayed_engagement"] != nil { return decayed[name]?[id] ?? 0 }
                if let column = feature["numeric"] as? String { return Double(leadValue(lead, column)) }
                return nil
            }
            for feature in features {
                let name = feature["name"] as! String
                guard feature["categorical"] == nil && feature["interaction"] == nil else { continue }
                raw[name, default: [:]][id] = .some(value(feature))
            }
            let byName = Dictionary(uniqueKeysWithValues: features.map { ($0["name"] as! String, $0) })
            func indicator(_ part: Substring) -> Double {
                let pieces = part.split(separator: "=", maxSplits: 1)
                let column = byName[String(pieces[0])]!["categorical"] as! String
                return leadValue(lead, column) == pieces[1] ? 1 : 0
            }
            for effect in effects.effects {
                let x: Double
                if effect.column.contains("*") {
                    x = effect.column.split(separator: "*").map(indicator).reduce(1, *)
                } else if effect.column.contains("=") {
                    x = indicator(Substring(effect.column))
                } else if effect.column.hasSuffix(":missing") {
                    x = raw[effect.feature]![id]! == nil ? 1 : 0
                } else {
                    // A missing value contributes through its indicator only (effects.json: "against 0 hours").
                    let v = raw[effect.feature]![id]! ?? 0
                    x = byName[effect.feature]!["transform"] as? String == "log1p" ? log1p(v) : v
                }
                eta += effect.coefficient * x
            }
            probability[id] = 1 / (1 + exp(-eta))
        }
    }
}

/// A YAML number (read as Int or Double) as a Double.
private func number(_ value: Any?) -> Double? {
    switch value {
    case let int as Int: Double(int)
    case let double as Double: double
    default: nil
    }
}
