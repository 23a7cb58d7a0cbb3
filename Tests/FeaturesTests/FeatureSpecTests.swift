import Features
import Foundation
import Testing
import TestSupport

/// The spec parser: what it reads, and the exact message for each mistake.
struct FeatureSpecTests {
    let base = MiniCRM().spec

    func error(_ text: String) -> String? {
        do {
            _ = try FeatureSpec(text: text, file: "spec.yaml")
            return nil
        } catch {
            return error.description
        }
    }

    func replacing(_ old: String, with new: String) -> String {
        precondition(base.contains(old))
        return base.replacingOccurrences(of: old, with: new)
    }

    @Test("reads every kind and option")
    func reads() throws {
        let spec = try FeatureSpec(text: base, file: "spec.yaml")
        #expect(spec.features.count == 14)
        #expect(spec.tables.events?.asset == "asset")
        #expect(spec.cutoff == FeatureSpec.CutoffRule(after: "sql_at", days: 14))
        #expect(spec.outcomeTimeColumns == ["loss_reason", "outcome", "closed_at"])
        #expect(spec.features[0].numeric.transform == .log1p)
        #expect(spec.features[2].kind == .numeric(ColumnReference(table: .companies, column: "employees")))
        #expect(spec.features[3].kind == .hashed(ColumnReference(table: .companies, column: "industry"), buckets: 4))
        #expect(spec.features[8].kind == .decayedEngagement(EventFilter(), halfLifeDays: 7, halfLives: [:], weights: ["meeting": 3]))
        #expect(spec.features[10].kind == .distinctContacts(EventFilter(), window: .after(column: "sql_at", days: 14)))
    }

    @Test("JSON specs read the same")
    func json() throws {
        let yaml = try FeatureSpec(text: base, file: "spec.yaml")
        let json = String(decoding: try JSONEncoder().encode(["version": 1]), as: UTF8.self)
        #expect(json == #"{"version":1}"#)
        let text = """
            {"version": 1,
             "tables": {"leads": {"file": "leads.csv", "id": "lead_id", "outcome": "outcome", "closed_at": "closed_at"}},
             "label": {"won": ["won"], "lost": ["lost"]},
             "cutoff": {"after": "sql_at", "days": 14},
             "features": [{"name": "amount", "numeric": "amount", "basis": {"natural_spline": 4}, "clip": [0, null]}]}
            """
        let spec = try FeatureSpec(text: text, file: "spec.json")
        #expect(spec.features[0].numeric == NumericOptions(clipLower: 0, clipUpper: nil, basis: .naturalSpline(knots: 4)))
        #expect(spec.label == yaml.label)
    }

    @Test("a round trip through the model's JSON keeps the spec")
    func codable() throws {
        let spec = try FeatureSpec(text: base, file: "spec.yaml")
        #expect(try JSONDecoder().decode(FeatureSpec.self, from: JSONEncoder().encode(spec)) == spec)
    }

    @Test("mistakes name the line, column and entry")
    func mistakes() {
        #expect(error(replacing("{name: team, distinct_contacts: {window:", with: "{name: team, distinct_contacts: {windw:"))
            == "spec.yaml, line 22, column 38, at features[10] (team).distinct_contacts: unknown key `windw`. Expected one of: types, roles, assets, window.")
        #expect(error(replacing("- {name: touches, sales_touches: {}}", with: "- {name: touches}"))
            == "spec.yaml, line 25, column 5, at features[13] (touches): say what the feature reads with one of: numeric, categorical, hashed, days_between, event_count, days_since_last_event, decayed_engagement, velocity, distinct_contacts, consumed, speed_to_lead, sales_touches, interaction.")
        #expect(error(replacing("{name: amount, numeric: amount,", with: "{name: amount, numeric: loss_reason,"))
            == "spec.yaml, line 12, column 29, at features[0] (amount).numeric: `loss_reason` is an outcome-time column (known only after the SQL closes) and cannot be a feature.")
        #expect(error(replacing("{name: amount, numeric: amount,", with: "{name: amount, numeric: closed_at,"))
            == "spec.yaml, line 12, column 29, at features[0] (amount).numeric: `closed_at` is an outcome-time column (known only after the SQL closes) and cannot be a feature.")
        #expect(error(replacing("{name: source,", with: "{name: amount,"))
            == "spec.yaml, line 13, column 12, at features[1] (amount): another feature is already called `amount`.")
        #expect(error(replacing("transform: log1p", with: "transform: log"))
            == "spec.yaml, line 12, column 48, at features[0] (amount).transform: unknown transform `log`. Expected `none` or `log1p`.")
        #expect(error(replacing("cutoff: {after: sql_at, days: 14}", with: "cutoff: {after: sql_at, days: -1}"))
            == "spec.yaml, line 8, column 31, at cutoff.days: must be at least 0, found -1.")
        #expect(error(replacing("cutoff: {after: sql_at, days: 14}", with: "cutoff: {after: closed_at, days: 14}"))
            == "spec.yaml, line 8, column 17, at cutoff.after: `closed_at` is an outcome-time column, known only after the SQL closes; anchor the cut-off on a stage timestamp such as the SQL date.")
        #expect(error(replacing("label: {won: [won], lost: [lost]}", with: "label: {won: [won], lost: [won]}"))
            == "spec.yaml, line 7, column 27, at label.lost: `won` is listed as both won and lost.")
        #expect(error(base + "  - {name: ab, interaction: [amount, nope]}\n")
            == "spec.yaml, line 26, column 29, at features[14] (ab).interaction: `nope` is not a feature declared before this one. Declare both features first.")
        #expect(error("version: 1\ntables: [\n")?.hasPrefix("spec.yaml, line 3, column 1: the spec is not valid YAML or JSON") == true)
        #expect(error(replacing("version: 1", with: "version: 2"))
            == "spec.yaml, line 1, column 10, at version: this version of Propensity reads spec version 1, found 2.")
        #expect(error("") == "spec.yaml: the spec is empty. See the README for a complete example.")
        #expect(error(replacing("cutoff: {after: sql_at, days: 14}\n", with: ""))
            == "spec.yaml, line 1, column 1, at cutoff: a spec with an events table needs a cut-off rule, such as `cutoff: {after: sql_at, days: 14}`, so that no event after it leaks into training.")
        #expect(error(replacing("id: lead_id, company", with: "company"))
            == "spec.yaml, line 5, column 13, at tables.contacts: contacts tied to leads need `id:` in tables.leads, the column they refer to.")
    }

    /// `Fuzz/corpus/FuzzFeatureSpec/alias-expansion.yaml`: each line doubles what `*a25` stands
    /// for, and Yams' duplicate-key check hashed that key in full: 16–19 s in a release build,
    /// past the fuzz target's 10 s limit. Found while profiling the spec fuzz target, not by a
    /// fuzz run.
    @Test("aliases that expand the spec past 100000 values are refused before Yams builds it")
    func aliasExpansion() {
        var text = "a0: &a0 [x, x]\n"
        for level in 1..<26 { text += "a\(level): &a\(level) [*a\(level - 1), *a\(level - 1)]\n" }
        text += "? *a25\n: v\n"
        #expect(error(text)
            == "spec.yaml, line 15, column 18: the alias `*a13` takes the spec past 100000 values once aliases are expanded; a spec needs a few hundred. Write the repeated parts out instead of nesting aliases in aliases.")
    }

    /// `Tests/Fixtures/fuzz/spec-alias-keys.yaml`, found by a fuzz run (a libFuzzer timeout: over
    /// 10 s under the address sanitizer): mapping keys that are aliases of lists, each far below
    /// the expansion limit, which Yams' duplicate-key check hashed and sorted in full.
    @Test("keys that are aliases, lists or mappings are refused in a spec that uses aliases")
    func aliasKeys() throws {
        let bytes = try Data(contentsOf: fixturesDirectory.appending(path: "fuzz/spec-alias-keys.yaml"))
        let fuzzed = error(String(decoding: bytes, as: UTF8.self))
        #expect(fuzzed?.hasPrefix("spec.yaml, line ") == true)
        #expect(fuzzed?.hasSuffix(": a key here is the alias `*a25`; a spec's keys are plain names. Write the key out as text.") == true)
        #expect(error("a0: &a0 [x, x]\n? *a0\n: v\n")
            == "spec.yaml, line 2, column 3: a key here is the alias `*a0`; a spec's keys are plain names. Write the key out as text.")
        #expect(error("a0: &a0 [x, x]\n? [*a0, y]\n: v\n")
            == "spec.yaml, line 2, column 3: a key here is a list; a spec's keys are plain names. Write the key out as text.")
        #expect(error("a0: &a0 [x, x]\n? {k: *a0}\n: v\n")
            == "spec.yaml, line 2, column 3: a key here is a mapping; a spec's keys are plain names. Write the key out as text.")
    }

    @Test("ordinary aliases still read")
    func aliases() throws {
        let text = replacing("sales_touch_types: [call, meeting]", with: "sales_touch_types: &touches [call, meeting]")
            + "  - {name: touch_events, event_count: {types: *touches}}\n"
        let spec = try FeatureSpec(text: text, file: "spec.yaml")
        #expect(spec.features.last?.kind == .eventCount(EventFilter(types: ["call", "meeting"]), window: nil))
    }
}

/// The complete example in the README parses, and uses every kind of feature.
struct ReadmeSpecExampleTests {
    @Test("the README's spec example")
    func readmeExample() throws {
        let readme = try String(contentsOf: repositoryRoot.appending(path: "README.md"), encoding: .utf8)
        let marker = try #require(readme.range(of: "<!-- spec example -->\n```yaml\n"))
        let end = try #require(readme.range(of: "\n```", range: marker.upperBound..<readme.endIndex))
        let spec = try FeatureSpec(text: String(readme[marker.upperBound..<end.lowerBound]), file: "README.md")
        let kinds = Set(spec.features.map { feature -> String in
            "\(feature.kind)".prefix { $0 != "(" }.description
        })
        #expect(kinds.count == 13, "\(kinds.sorted())")
        #expect(spec.features.contains { $0.numeric.basis == .naturalSpline(knots: 4) })
        #expect(spec.features.contains { $0.numeric.basis == .quantileBins(5) && $0.numeric.missing == .zero })
        let team = try #require(spec.features.first { $0.name == "team_14d" })
        #expect(team.words(for: .number(5)) == "5 buying-team members engaged in 14 days")
    }
}
