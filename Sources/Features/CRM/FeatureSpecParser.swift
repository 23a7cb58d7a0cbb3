import Foundation
import Yams

/// A problem with a feature spec, or with data the spec names: where it is and what to do.
///
/// `description` reads, for example:
///
/// ```
/// spec.yaml, line 31, column 7, at features[4] (team_size): unknown key `windw`. Expected one of: name, distinct_contacts, …
/// ```
public struct FeatureSpecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The spec file's name.
    public let file: String
    /// The 1-based line in the spec, when the problem is at one place in it.
    public let line: Int?
    /// The 1-based column in the spec.
    public let column: Int?
    /// The spec entry, such as `tables.leads.id` or `features[4] (team_size)`.
    public let entry: String?
    /// What is wrong and what to do, as a sentence.
    public let message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, entry: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.entry = entry
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ", line \(line)" }
        if let column { place += ", column \(column)" }
        if let entry { place += ", at \(entry)" }
        return "\(place): \(message)"
    }
}

extension FeatureSpec {
    /// Reads a spec file, YAML or JSON.
    ///
    /// - Throws: `FeatureSpecError` naming the line, column and entry of the first problem:
    ///   YAML syntax, an unknown or missing key, a value of the wrong type, a duplicate or
    ///   undefined feature name, an outcome-time column used as a feature.
    public init(contentsOf url: URL) throws(FeatureSpecError) {
        let name = url.lastPathComponent
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw FeatureSpecError(file: name, message: "cannot read the spec (\(error.localizedDescription)). "
                                   + "Check that the path names a readable UTF-8 file.")
        }
        try self.init(text: text, file: name)
    }

    /// Reads spec text, YAML or JSON; `file` is the name errors give.
    public init(text: String, file: String) throws(FeatureSpecError) {
        if let problem = SpecAliasExpansion.problem(in: text) {
            throw FeatureSpecError(file: file, line: problem.line, column: problem.column, message: problem.message)
        }
        let root: Node
        do {
            // The encoding is given rather than left to Yams' default argument, which reads the
            // whole process environment (for YAMS_DEFAULT_ENCODING) on every call: about a tenth
            // of the time a spec takes to parse. UTF-8 is what that default picks for a Swift string.
            guard let node = try Yams.compose(yaml: text, .default, .default, .utf8) else {
                throw FeatureSpecError(file: file, message: "the spec is empty. See the README for a complete example.")
            }
            root = node
        } catch let error as FeatureSpecError {
            throw error
        } catch let error as YamlError {
            throw SpecParser.syntaxError(error, file: file)
        } catch {
            throw FeatureSpecError(file: file, message: "the spec is not valid YAML or JSON: \(error).")
        }
        self = try SpecParser(file: file).spec(root)
    }
}

/// Walks the YAML node tree, checking every key and value, with the node's mark for errors.
private struct SpecParser {
    let file: String

    static func syntaxError(_ error: YamlError, file: String) -> FeatureSpecError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return FeatureSpecError(file: file, line: mark.line, column: mark.column,
                                    message: "the spec is not valid YAML or JSON: \(problem).")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return FeatureSpecError(file: file, line: context.mark.line, column: context.mark.column,
                                    message: "the key `\(duplicates.joined(separator: "`, `"))` appears twice in one mapping. Keep one.")
        default:
            return FeatureSpecError(file: file, message: "the spec is not valid YAML or JSON: \(error).")
        }
    }

    func fail(_ node: Node?, _ entry: String, _ message: String) -> FeatureSpecError {
        FeatureSpecError(file: file, line: node?.mark?.line, column: node?.mark?.column, entry: entry, message: message)
    }

    // MARK: Typed reads

    /// The keys of a mapping, checked against `allowed` and `required`.
    func mapping(_ node: Node, _ entry: String, allowed: [String], required: [String] = []) throws(FeatureSpecError)
        -> [String: Node]
    {
        guard let mapping = node.mapping else {
            throw fail(node, entry, "expected a mapping (keys and values) with keys \(list(allowed)).")
        }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw fail(key, entry, "a key must be text.") }
            guard allowed.contains(name) else {
                throw fail(key, entry, "unknown key `\(name)`. Expected one of: \(allowed.joined(separator: ", ")).")
            }
            result[name] = value
        }
        for name in required where result[name] == nil {
            throw fail(node, entry, "the key `\(name)` is required.")
        }
        return result
    }

    func string(_ node: Node, _ entry: String) throws(FeatureSpecError) -> String {
        guard let scalar = node.scalar, !scalar.string.isEmpty else {
            throw fail(node, entry, "expected a non-empty text value.")
        }
        return scalar.string
    }

    func optionalString(_ node: Node?, _ entry: String) throws(FeatureSpecError) -> String? {
        guard let node else { return nil }
        return try string(node, entry)
    }

    func number(_ node: Node, _ entry: String, atLeast minimum: Double? = nil, above: Double? = nil)
        throws(FeatureSpecError) -> Double
    {
        guard let scalar = node.scalar, let value = Double(scalar.string), value.isFinite else {
            throw fail(node, entry, "expected a number, found `\(node.scalar?.string ?? "a collection")`.")
        }
        if let minimum, value < minimum { throw fail(node, entry, "must be at least \(format(minimum)), found \(scalar.string).") }
        if let above, value <= above { throw fail(node, entry, "must be greater than \(format(above)), found \(scalar.string).") }
        return value
    }

    func integer(_ node: Node, _ entry: String, atLeast minimum: Int) throws(FeatureSpecError) -> Int {
        guard let scalar = node.scalar, let value = Int(scalar.string) else {
            throw fail(node, entry, "expected a whole number, found `\(node.scalar?.string ?? "a collection")`.")
        }
        guard value >= minimum else { throw fail(node, entry, "must be at least \(minimum), found \(value).") }
        return value
    }

    func strings(_ node: Node, _ entry: String) throws(FeatureSpecError) -> [String] {
        if node.scalar != nil { return [try string(node, entry)] }
        guard let sequence = node.sequence else { throw fail(node, entry, "expected a list of text values.") }
        var values: [String] = []
        for (index, item) in sequence.enumerated() { values.append(try string(item, "\(entry)[\(index)]")) }
        return values
    }

    func list(_ names: [String]) -> String { names.map { "`\($0)`" }.joined(separator: ", ") }

    func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    // MARK: The spec

    func spec(_ root: Node) throws(FeatureSpecError) -> FeatureSpec {
        let keys = try mapping(root, "the top level",
                               allowed: ["version", "tables", "label", "cutoff", "outcome_time", "sales_touch_types", "features"],
                               required: ["version", "tables", "label", "features"])
        let version = try integer(keys["version"]!, "version", atLeast: 1)
        guard version == 1 else {
            throw fail(keys["version"], "version", "this version of Propensity reads spec version 1, found \(version).")
        }
        let tables = try self.tables(keys["tables"]!)
        let label = try self.label(keys["label"]!)
        var cutoff: FeatureSpec.CutoffRule?
        var cutoffKeys: [String: Node] = [:]
        if let node = keys["cutoff"] {
            cutoffKeys = try mapping(node, "cutoff", allowed: ["after", "days"], required: ["after", "days"])
            cutoff = FeatureSpec.CutoffRule(after: try string(cutoffKeys["after"]!, "cutoff.after"),
                                            days: try number(cutoffKeys["days"]!, "cutoff.days", atLeast: 0))
        } else if tables.events != nil {
            throw fail(root, "cutoff", "a spec with an events table needs a cut-off rule, such as `cutoff: {after: sql_at, days: 14}`, "
                       + "so that no event after it leaks into training.")
        }
        let outcomeTime = try keys["outcome_time"].map { node throws(FeatureSpecError) in try strings(node, "outcome_time") } ?? []
        let touches = try keys["sales_touch_types"].map { node throws(FeatureSpecError) in
            try strings(node, "sales_touch_types")
        } ?? []

        var spec = FeatureSpec(version: version, tables: tables, label: label, cutoff: cutoff, outcomeTime: outcomeTime,
                               salesTouchTypes: touches, features: [])
        guard let sequence = keys["features"]!.sequence, !sequence.isEmpty else {
            throw fail(keys["features"], "features", "expected a non-empty list of features.")
        }
        let outcomeColumns = spec.outcomeTimeColumns
        if let cutoff, outcomeColumns.contains(cutoff.after) {
            throw fail(cutoffKeys["after"], "cutoff.after",
                       "`\(cutoff.after)` is an outcome-time column, known only after the SQL closes; anchor the cut-off on a stage timestamp such as the SQL date.")
        }
        var names: Set<String> = []
        for (index, node) in sequence.enumerated() {
            let feature = try self.feature(node, index: index, spec: spec, outcomeColumns: outcomeColumns, declared: names)
            names.insert(feature.name)
            spec.features.append(feature)
        }
        return spec
    }

    func tables(_ node: Node) throws(FeatureSpecError) -> FeatureSpec.Tables {
        let keys = try mapping(node, "tables", allowed: ["leads", "companies", "contacts", "events"], required: ["leads"])
        let leadsKeys = try mapping(keys["leads"]!, "tables.leads", allowed: ["file", "id", "company", "outcome", "closed_at", "amount", "won_amount", "source", "owner", "cost", "table"],
                                    required: ["file", "outcome"])
        let leads = FeatureSpec.LeadsTable(
            file: try string(leadsKeys["file"]!, "tables.leads.file"), id: try optionalString(leadsKeys["id"], "tables.leads.id"),
            company: try optionalString(leadsKeys["company"], "tables.leads.company"),
            outcome: try string(leadsKeys["outcome"]!, "tables.leads.outcome"),
            closedAt: try optionalString(leadsKeys["closed_at"], "tables.leads.closed_at"),
            amount: try optionalString(leadsKeys["amount"], "tables.leads.amount"),
            wonAmount: try optionalString(leadsKeys["won_amount"], "tables.leads.won_amount"),
            source: try optionalString(leadsKeys["source"], "tables.leads.source"),
            owner: try optionalString(leadsKeys["owner"], "tables.leads.owner"),
            cost: try optionalString(leadsKeys["cost"], "tables.leads.cost"),
            table: try optionalString(leadsKeys["table"], "tables.leads.table"))

        var companies: FeatureSpec.CompaniesTable?
        if let node = keys["companies"] {
            let k = try mapping(node, "tables.companies", allowed: ["file", "id", "table"], required: ["file", "id"])
            companies = .init(file: try string(k["file"]!, "tables.companies.file"), id: try string(k["id"]!, "tables.companies.id"),
                              table: try optionalString(k["table"], "tables.companies.table"))
            if leads.company == nil {
                throw fail(node, "tables.companies", "a companies table needs `company:` in tables.leads, the column that names each lead's company.")
            }
        }
        var contacts: FeatureSpec.ContactsTable?
        if let node = keys["contacts"] {
            let k = try mapping(node, "tables.contacts", allowed: ["file", "id", "lead", "company", "role", "table"],
                                required: ["file", "id"])
            contacts = .init(file: try string(k["file"]!, "tables.contacts.file"), id: try string(k["id"]!, "tables.contacts.id"),
                             lead: try optionalString(k["lead"], "tables.contacts.lead"),
                             company: try optionalString(k["company"], "tables.contacts.company"),
                             role: try optionalString(k["role"], "tables.contacts.role"),
                             table: try optionalString(k["table"], "tables.contacts.table"))
            if contacts!.lead == nil && contacts!.company == nil {
                throw fail(node, "tables.contacts", "name the column that ties a contact to its lead (`lead:`) or to its company (`company:`).")
            }
            if contacts!.lead != nil && contacts!.company != nil {
                throw fail(node, "tables.contacts", "give either `lead:` or `company:`, not both.")
            }
            if contacts!.lead != nil && leads.id == nil {
                throw fail(node, "tables.contacts", "contacts tied to leads need `id:` in tables.leads, the column they refer to.")
            }
            if contacts!.company != nil && leads.company == nil {
                throw fail(node, "tables.contacts", "contacts tied to companies need `company:` in tables.leads.")
            }
        }
        var events: FeatureSpec.EventsTable?
        if let node = keys["events"] {
            let k = try mapping(node, "tables.events", allowed: ["file", "time", "type", "contact", "lead", "asset", "table"],
                                required: ["file", "time", "type"])
            events = .init(file: try string(k["file"]!, "tables.events.file"), time: try string(k["time"]!, "tables.events.time"),
                           type: try string(k["type"]!, "tables.events.type"),
                           contact: try optionalString(k["contact"], "tables.events.contact"),
                           lead: try optionalString(k["lead"], "tables.events.lead"),
                           asset: try optionalString(k["asset"], "tables.events.asset"),
                           table: try optionalString(k["table"], "tables.events.table"))
            if events!.contact == nil && events!.lead == nil {
                throw fail(node, "tables.events", "name the column that ties an event to a contact (`contact:`) or to a lead (`lead:`), or both.")
            }
            if events!.lead != nil && leads.id == nil {
                throw fail(node, "tables.events", "events tied to leads need `id:` in tables.leads, the column they refer to.")
            }
            if events!.contact != nil && contacts == nil {
                throw fail(node, "tables.events", "events tied to contacts need a contacts table in `tables`.")
            }
        }
        return FeatureSpec.Tables(leads: leads, companies: companies, contacts: contacts, events: events)
    }

    func label(_ node: Node) throws(FeatureSpecError) -> FeatureSpec.LabelRule {
        let keys = try mapping(node, "label", allowed: ["won", "lost"], required: ["won", "lost"])
        let won = try strings(keys["won"]!, "label.won")
        let lost = try strings(keys["lost"]!, "label.lost")
        if let both = won.first(where: lost.contains) {
            throw fail(keys["lost"], "label.lost", "`\(both)` is listed as both won and lost.")
        }
        return FeatureSpec.LabelRule(won: won, lost: lost)
    }

    // MARK: Features

    static let kindKeys = [
        "numeric", "categorical", "hashed", "days_between", "event_count", "days_since_last_event", "decayed_engagement",
        "velocity", "distinct_contacts", "consumed", "speed_to_lead", "sales_touches", "interaction",
    ]
    static let numericOptionKeys = ["transform", "clip", "basis", "missing"]

    func feature(_ node: Node, index: Int, spec: FeatureSpec, outcomeColumns: Set<String>, declared: Set<String>)
        throws(FeatureSpecError) -> FeatureDefinition
    {
        var entry = "features[\(index)]"
        guard let pairs = node.mapping else { throw fail(node, entry, "expected a mapping with `name` and one kind key.") }
        let name = try string(pairs["name"] ?? node, entry + ".name")
        entry += " (\(name))"
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else {
            throw fail(pairs["name"], entry, "a feature name may hold letters, digits, `_`, `-` and `.` only.")
        }
        guard name != "intercept" else { throw fail(pairs["name"], entry, "`intercept` is the model's own term; choose another name.") }
        guard !declared.contains(name) else { throw fail(pairs["name"], entry, "another feature is already called `\(name)`.") }

        let kinds = Array(pairs.keys.compactMap(\.string)).filter(Self.kindKeys.contains)
        guard kinds.count == 1, let kindKey = kinds.first else {
            throw fail(node, entry, kinds.isEmpty
                ? "say what the feature reads with one of: \(Self.kindKeys.joined(separator: ", "))."
                : "give one kind per feature, found \(list(kinds)).")
        }
        let extraKeys: [String]
        switch kindKey {
        case "categorical": extraKeys = ["min_count"]
        case "hashed": extraKeys = ["buckets"]
        case "interaction": extraKeys = []
        default: extraKeys = Self.numericOptionKeys
        }
        let keys = try mapping(node, entry, allowed: ["name", kindKey, "describe"] + extraKeys, required: ["name"])
        var describe: String?
        if let node = keys["describe"] {
            let template = try string(node, "\(entry).describe")
            guard template.contains("{value}"),
                  template.replacingOccurrences(of: "{value}", with: "").allSatisfy({ $0 != "{" && $0 != "}" })
            else {
                throw fail(node, "\(entry).describe",
                           "a description must contain `{value}`, where the value goes, and no other braces, "
                               + "as in \"{value} buying-team members engaged\".")
            }
            describe = template
        }
        let value = keys[kindKey]!
        let kindEntry = "\(entry).\(kindKey)"

        func column(_ node: Node, _ entry: String) throws(FeatureSpecError) -> ColumnReference {
            let reference = ColumnReference(parsing: try string(node, entry))
            if reference.table == .leads && outcomeColumns.contains(reference.column) {
                throw fail(node, entry, "`\(reference.column)` is an outcome-time column (known only after the SQL closes) and cannot be a feature.")
            }
            if reference.table == .companies && spec.tables.companies == nil {
                throw fail(node, entry, "`\(reference)` reads the companies table, which `tables` does not declare.")
            }
            return reference
        }
        func timestampColumn(_ node: Node, _ entry: String) throws(FeatureSpecError) -> String {
            let reference = try column(node, entry)
            guard reference.table == .leads else { throw fail(node, entry, "expected a timestamp column of the leads table.") }
            return reference.column
        }
        func requireEvents() throws(FeatureSpecError) {
            if spec.tables.events == nil {
                throw fail(value, kindEntry, "this feature reads engagement events, but `tables` declares no events table.")
            }
        }

        let kind: FeatureKind
        switch kindKey {
        case "numeric":
            kind = .numeric(try column(value, kindEntry))
        case "categorical":
            let minCount = try keys["min_count"].map { node throws(FeatureSpecError) in
                try integer(node, "\(entry).min_count", atLeast: 1)
            } ?? 10
            kind = .categorical(try column(value, kindEntry), minCount: minCount)
        case "hashed":
            let buckets = try keys["buckets"].map { node throws(FeatureSpecError) in
                try integer(node, "\(entry).buckets", atLeast: 2)
            } ?? 32
            kind = .hashed(try column(value, kindEntry), buckets: buckets)
        case "days_between":
            let columns = try strings(value, kindEntry)
            guard columns.count == 2, let sequence = value.sequence else {
                throw fail(value, kindEntry, "expected two timestamp columns, [from, to].")
            }
            kind = .daysBetween(from: try timestampColumn(sequence[0], kindEntry + "[0]"),
                                to: try timestampColumn(sequence[1], kindEntry + "[1]"))
        case "event_count", "distinct_contacts", "consumed":
            try requireEvents()
            let k = try mapping(value, kindEntry, allowed: ["types", "roles", "assets", "window"])
            let filter = try eventFilter(k, kindEntry, spec: spec)
            let window = try k["window"].map { node throws(FeatureSpecError) in try self.window(node, "\(kindEntry).window", outcomeColumns) }
            switch kindKey {
            case "event_count": kind = .eventCount(filter, window: window)
            case "distinct_contacts": kind = .distinctContacts(filter, window: window)
            default: kind = .consumed(filter, window: window)
            }
        case "days_since_last_event":
            try requireEvents()
            let k = try mapping(value, kindEntry, allowed: ["types", "roles", "assets"])
            kind = .daysSinceLastEvent(try eventFilter(k, kindEntry, spec: spec))
        case "decayed_engagement":
            try requireEvents()
            let k = try mapping(value, kindEntry, allowed: ["types", "roles", "assets", "half_life_days", "half_lives", "weights"])
            let halfLife = try k["half_life_days"].map { node throws(FeatureSpecError) in
                try number(node, "\(kindEntry).half_life_days", above: 0)
            } ?? 14
            kind = .decayedEngagement(try eventFilter(k, kindEntry, spec: spec), halfLifeDays: halfLife,
                                      halfLives: try numberMap(k["half_lives"], "\(kindEntry).half_lives", positive: true),
                                      weights: try numberMap(k["weights"], "\(kindEntry).weights", positive: false))
        case "velocity":
            try requireEvents()
            let k = try mapping(value, kindEntry, allowed: ["types", "roles", "assets", "recent_days", "earlier_days"],
                                required: ["recent_days", "earlier_days"])
            kind = .velocity(try eventFilter(k, kindEntry, spec: spec),
                             recentDays: try number(k["recent_days"]!, "\(kindEntry).recent_days", above: 0),
                             earlierDays: try number(k["earlier_days"]!, "\(kindEntry).earlier_days", above: 0))
        case "speed_to_lead":
            try requireEvents()
            let k = try mapping(value, kindEntry, allowed: ["from"], required: ["from"])
            guard !spec.salesTouchTypes.isEmpty else {
                throw fail(value, kindEntry, "speed to lead is measured to the first sales touch: list the event types that are touches in `sales_touch_types`.")
            }
            kind = .speedToLead(from: try timestampColumn(k["from"]!, "\(kindEntry).from"))
        case "sales_touches":
            try requireEvents()
            let k = try mapping(value, kindEntry, allowed: ["window"])
            guard !spec.salesTouchTypes.isEmpty else {
                throw fail(value, kindEntry, "list the event types that are sales touches in `sales_touch_types`.")
            }
            kind = .salesTouches(window: try k["window"].map { node throws(FeatureSpecError) in
                try self.window(node, "\(kindEntry).window", outcomeColumns)
            })
        default:  // interaction
            let pair = try strings(value, kindEntry)
            guard pair.count == 2 else { throw fail(value, kindEntry, "expected two feature names, [a, b].") }
            for other in pair where !declared.contains(other) {
                throw fail(value, kindEntry, "`\(other)` is not a feature declared before this one. Declare both features first.")
            }
            guard pair[0] != pair[1] else { throw fail(value, kindEntry, "an interaction needs two different features.") }
            kind = .interaction(pair[0], pair[1])
        }

        var options = NumericOptions()
        if let node = keys["transform"] {
            let text = try string(node, "\(entry).transform")
            guard let transform = NumericTransform(rawValue: text) else {
                throw fail(node, "\(entry).transform", "unknown transform `\(text)`. Expected `none` or `log1p`.")
            }
            options.transform = transform
        }
        if let node = keys["clip"] {
            guard let bounds = node.sequence, bounds.count == 2 else {
                throw fail(node, "\(entry).clip", "expected [low, high]; write null for no bound, as in [0, null].")
            }
            func bound(_ node: Node) throws(FeatureSpecError) -> Double? {
                if node.null != nil || node.scalar?.string == "~" || node.scalar?.string == "null" { return nil }
                return try number(node, "\(entry).clip")
            }
            options.clipLower = try bound(bounds[0])
            options.clipUpper = try bound(bounds[1])
            if let low = options.clipLower, let high = options.clipUpper, low > high {
                throw fail(node, "\(entry).clip", "the low bound \(format(low)) is above the high bound \(format(high)).")
            }
        }
        if let node = keys["basis"] {
            if let text = node.scalar?.string {
                guard text == "linear" else {
                    throw fail(node, "\(entry).basis", "unknown basis `\(text)`. Expected `linear`, `{quantile_bins: K}` or `{natural_spline: K}`.")
                }
            } else {
                let k = try mapping(node, "\(entry).basis", allowed: ["quantile_bins", "natural_spline"])
                guard k.count == 1 else {
                    throw fail(node, "\(entry).basis", "give one basis: `{quantile_bins: K}` or `{natural_spline: K}`.")
                }
                if let bins = k["quantile_bins"] {
                    options.basis = .quantileBins(try integer(bins, "\(entry).basis.quantile_bins", atLeast: 2))
                } else {
                    options.basis = .naturalSpline(knots: try integer(k["natural_spline"]!, "\(entry).basis.natural_spline", atLeast: 3))
                }
            }
        }
        if let node = keys["missing"] {
            let text = try string(node, "\(entry).missing")
            guard let policy = MissingPolicy(rawValue: text) else {
                throw fail(node, "\(entry).missing", "unknown missing-value policy `\(text)`. Expected `indicator` or `zero`.")
            }
            options.missing = policy
        }
        return FeatureDefinition(name: name, kind: kind, numeric: options, describe: describe)
    }

    func eventFilter(_ keys: [String: Node], _ entry: String, spec: FeatureSpec) throws(FeatureSpecError) -> EventFilter {
        let roles = try keys["roles"].map { node throws(FeatureSpecError) in try strings(node, "\(entry).roles") }
        if roles != nil && spec.tables.contacts?.role == nil {
            throw fail(keys["roles"], "\(entry).roles", "filtering by role needs `role:` in tables.contacts.")
        }
        let assets = try keys["assets"].map { node throws(FeatureSpecError) in try strings(node, "\(entry).assets") }
        if assets != nil && spec.tables.events?.asset == nil {
            throw fail(keys["assets"], "\(entry).assets", "filtering by asset needs `asset:` in tables.events.")
        }
        return EventFilter(types: try keys["types"].map { node throws(FeatureSpecError) in try strings(node, "\(entry).types") },
                           roles: roles, assets: assets)
    }

    func window(_ node: Node, _ entry: String, _ outcomeColumns: Set<String>) throws(FeatureSpecError) -> EventWindow {
        let keys = try mapping(node, entry, allowed: ["days", "after"], required: ["days"])
        let days = try number(keys["days"]!, "\(entry).days", above: 0)
        guard let after = keys["after"] else { return .beforeCutoff(days: days) }
        let column = try string(after, "\(entry).after")
        if outcomeColumns.contains(column) {
            throw fail(after, "\(entry).after", "`\(column)` is an outcome-time column and cannot anchor a window.")
        }
        return .after(column: column, days: days)
    }

    func numberMap(_ node: Node?, _ entry: String, positive: Bool) throws(FeatureSpecError) -> [String: Double] {
        guard let node else { return [:] }
        guard let mapping = node.mapping else { throw fail(node, entry, "expected a mapping from event type to number.") }
        var result: [String: Double] = [:]
        for (key, value) in mapping {
            let type = try string(key, entry)
            result[type] = positive ? try number(value, "\(entry).\(type)", above: 0) : try number(value, "\(entry).\(type)")
        }
        return result
    }
}
