import Features

/// The inputs of a CRM model as one SQL query over the CRM tables: each open SQL's raw feature
/// values as of an instant, computed by the database the way `FeatureExtractor` computes them,
/// so that the query of `SQLExport` can read it as its table of inputs.
///
/// The query reads the tables the spec names (`table:`, else the file name without `.csv`),
/// with timestamps as `timestamptz` (PostgreSQL) or `TIMESTAMP` (Spark SQL) columns, and
/// returns `lead_id` and one column per input, for every open lead (outcome neither won nor
/// lost) that was an SQL at the instant (its `cutoff.after` not later, or missing):
///
/// - leads and companies columns, as numbers or text;
/// - `days_between`: the days between two stage timestamps, each missing unless before the
///   instant;
/// - the engagement aggregates over the lead's events before the instant (an event belongs
///   to its `lead`, else to its contact's lead, or to every lead of its contact's company):
///   counts, decayed engagement (`weight · 2^(−age / half-life)`), velocity, distinct contacts,
///   consumption, speed to lead, sales touches and days since the last event, with their
///   filters on type, the contact's role and the asset, and their windows.
///
/// Hashed features are the exception: their buckets need MurmurHash3, which the engines do
/// not share, so the query leaves their columns out and says so; the warehouse provides them,
/// or `propensity score --features` does. The query checks nothing: rows that `score` refuses
/// (an event for an unknown lead, an unreadable time) are simply not joined.
public enum FeatureSQLExport {
    /// Why a spec's features cannot be written as SQL.
    public enum ExportError: Error, Equatable, CustomStringConvertible, Sendable {
        /// The leads table has no id column: leads are numbered by row, which SQL cannot see.
        case noLeadID

        public var description: String {
            switch self {
            case .noLeadID:
                return "The spec's leads table has no `id` column, so leads are numbered by their row, which a SQL "
                    + "query cannot reproduce. Add `id:` to tables.leads to export the feature query."
            }
        }
    }

    /// The query computing the inputs of `pipeline` as of `asOf`.
    ///
    /// - Parameters:
    ///   - pipeline: A CRM model's fitted features (only the spec is read).
    ///   - dialect: The engine to write for.
    ///   - asOf: The instant, in seconds since 1970; `nil` for the time the query runs
    ///     (`CURRENT_TIMESTAMP`), so that a view scores as of when it is read.
    ///   - header: Lines for the opening comment.
    /// - Throws: `ExportError.noLeadID` when the leads have no id column.
    public static func query(_ pipeline: FeaturePipeline, dialect: SQLDialect, asOf: Double?,
                             header: [String]) throws(ExportError) -> String {
        let spec = pipeline.spec
        guard let leadID = spec.tables.leads.id else { throw .noLeadID }
        var writer = FeatureSQLWriter(spec: spec, dialect: dialect)
        let id = dialect.identifier(leadID)

        var lines = header.map { "-- " + $0 }
        var columns = ["o.\(id) AS lead_id"]
        var left: [String] = []
        for (definition, feature) in zip(spec.features, pipeline.features) {
            switch (definition.kind, feature) {
            case (.interaction, _):
                continue
            case (.hashed, .hashed(let encoding)):
                left.append("\(encoding.columnNames.first!) … \(encoding.columnNames.last!) (\(definition.name), hashed)")
            default:
                columns.append("\(writer.value(definition)) AS \(dialect.identifier(definition.name))")
            }
        }
        if !left.isEmpty {
            lines.append("-- Not computed here (MurmurHash3 buckets, which SQL engines do not share): "
                + left.joined(separator: "; ") + ". Provide them, or use `propensity score --features`.")
        }
        let double = dialect == .spark ? "DOUBLE" : "DOUBLE PRECISION"
        let cutoff = asOf.map { "CAST(\(dialect.number($0)) AS \(double))" } ?? dialect.epoch("CURRENT_TIMESTAMP")
        let leads = dialect.table(spec.tables.leadsReference.table)
        let outcome = dialect.identifier(spec.tables.leads.outcome)
        let closed = (spec.label.won + spec.label.lost).map(dialect.text).joined(separator: ", ")
        var openLeads = "  SELECT l.*, \(cutoff) AS propensity_cutoff FROM \(leads) AS l\n"
            + "  WHERE (l.\(outcome) IS NULL OR l.\(outcome) NOT IN (\(closed)))"
        if let after = spec.cutoff?.after {
            openLeads += "\n    AND NOT COALESCE(\(dialect.epoch("l." + dialect.identifier(after))) > \(cutoff), FALSE)"
        }
        lines.append("WITH open_leads AS (\n\(openLeads)\n)")
        if writer.readsEvents {
            lines[lines.count - 1] += ",\n" + writer.eventCTEs()
        }
        lines.append("SELECT\n  " + columns.joined(separator: ",\n  "))
        lines.append("FROM open_leads AS o")
        if let companies = spec.tables.companies, let company = spec.tables.leads.company, writer.readsCompanies {
            lines.append("LEFT JOIN \(dialect.table(spec.tables.companiesReference!.table)) AS co "
                + "ON co.\(dialect.identifier(companies.id)) = o.\(dialect.identifier(company))")
        }
        if writer.readsEvents {
            lines.append("LEFT JOIN lead_aggregates AS a ON a.lead_key = o.\(id)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Writes each feature's value as SQL, collecting the event aggregates it needs.
private struct FeatureSQLWriter {
    let spec: FeatureSpec
    let dialect: SQLDialect
    /// The aggregates over a lead's events, `expression AS aN`.
    var aggregates: [String] = []
    /// The leads timestamps that windows and speed to lead start from, carried with each event.
    var anchors: [String] = []
    var readsCompanies = false

    init(spec: FeatureSpec, dialect: SQLDialect) {
        self.spec = spec
        self.dialect = dialect
    }

    var readsEvents: Bool { !aggregates.isEmpty }

    /// A timestamp of the open lead `o` in seconds, missing unless before its cut-off.
    private func stamp(_ column: String) -> String {
        let seconds = dialect.epoch("o.\(dialect.identifier(column))")
        return "CASE WHEN \(seconds) < o.propensity_cutoff THEN \(seconds) END"
    }

    /// Adds an aggregate and returns its column in `lead_aggregates`.
    private mutating func aggregate(_ expression: String) -> String {
        aggregates.append("\(expression) AS a\(aggregates.count)")
        return "a.a\(aggregates.count - 1)"
    }

    /// The name of an anchor's column on each event row.
    private mutating func anchor(_ column: String) -> String {
        if !anchors.contains(column) { anchors.append(column) }
        return "anchor\(anchors.firstIndex(of: column)!)"
    }

    /// Whether an event row passes a filter: type, the contact's role and the asset.
    private func filter(_ filter: EventFilter) -> [String] {
        var conditions: [String] = []
        if let types = filter.types { conditions.append("ev.event_type IN (" + types.map(dialect.text).joined(separator: ", ") + ")") }
        if let roles = filter.roles { conditions.append("ev.role IN (" + roles.map(dialect.text).joined(separator: ", ") + ")") }
        if let assets = filter.assets { conditions.append("ev.asset IN (" + assets.map(dialect.text).joined(separator: ", ") + ")") }
        return conditions
    }

    /// Whether an event row is inside a window.
    private mutating func window(_ window: EventWindow?) -> [String] {
        switch window {
        case nil: return []
        case .beforeCutoff(let days)?:
            return ["ev.t >= ev.cutoff - \(dialect.number(days * Timestamp.secondsPerDay))"]
        case .after(let column, let days)?:
            let start = "ev." + anchor(column)
            return ["ev.t >= \(start)", "ev.t < \(start) + \(dialect.number(days * Timestamp.secondsPerDay))"]
        }
    }

    private func when(_ conditions: [String]) -> String {
        conditions.isEmpty ? "TRUE" : conditions.joined(separator: " AND ")
    }

    /// The SQL of a feature's raw value.
    mutating func value(_ definition: FeatureDefinition) -> String {
        let number = dialect == .spark ? "DOUBLE" : "DOUBLE PRECISION"
        let text = dialect == .spark ? "STRING" : "TEXT"
        func column(_ reference: ColumnReference) -> String {
            if reference.table == .companies { readsCompanies = true }
            return (reference.table == .leads ? "o." : "co.") + dialect.identifier(reference.column)
        }
        switch definition.kind {
        case .numeric(let reference):
            return "CAST(\(column(reference)) AS \(number))"
        case .categorical(let reference, _), .hashed(let reference, _):
            return "CAST(\(column(reference)) AS \(text))"
        case .daysBetween(let from, let to):
            return "(\(stamp(to)) - \(stamp(from))) / \(dialect.number(Timestamp.secondsPerDay))"
        case .eventCount(let f, let w):
            return "COALESCE(" + aggregate("SUM(CASE WHEN \(when(filter(f) + window(w))) THEN 1 ELSE 0 END)") + ", 0)"
        case .salesTouches(let w):
            let touches = filter(EventFilter(types: spec.salesTouchTypes))
            return "COALESCE(" + aggregate("SUM(CASE WHEN \(when(touches + window(w))) THEN 1 ELSE 0 END)") + ", 0)"
        case .consumed(let f, let w):
            return "COALESCE(" + aggregate("MAX(CASE WHEN \(when(filter(f) + window(w))) THEN 1 ELSE 0 END)") + ", 0)"
        case .distinctContacts(let f, let w):
            return "COALESCE(" + aggregate("COUNT(DISTINCT CASE WHEN \(when(filter(f) + window(w))) THEN ev.contact_key END)") + ", 0)"
        case .daysSinceLastEvent(let f):
            let last = aggregate("MAX(CASE WHEN \(when(filter(f))) THEN ev.t END)")
            return "(o.propensity_cutoff - \(last)) / \(dialect.number(Timestamp.secondsPerDay))"
        case .decayedEngagement(let f, let halfLife, let halfLives, let weights):
            // weight · 2^(−age / half-life), per type; types without an entry weigh 1.
            func byType(_ values: [String: Double], default fallback: Double) -> String {
                guard !values.isEmpty else { return dialect.number(fallback) }
                let cases = values.keys.sorted().map { "WHEN \(dialect.text($0)) THEN \(dialect.number(values[$0]!))" }
                return "CASE ev.event_type " + cases.joined(separator: " ") + " ELSE \(dialect.number(fallback)) END"
            }
            let inverse = byType(halfLives.mapValues { 1 / ($0 * Timestamp.secondsPerDay) },
                                 default: 1 / (halfLife * Timestamp.secondsPerDay))
            let term = "\(byType(weights, default: 1)) * POWER(2E0, -(ev.cutoff - ev.t) * \(inverse))"
            return "COALESCE(" + aggregate("SUM(CASE WHEN \(when(filter(f))) THEN \(term) ELSE 0 END)") + ", 0)"
        case .velocity(let f, let recentDays, let earlierDays):
            let recent = recentDays * Timestamp.secondsPerDay, earlier = earlierDays * Timestamp.secondsPerDay
            let age = "ev.cutoff - ev.t"
            let conditions = when(filter(f))
            let r = aggregate("SUM(CASE WHEN \(conditions) AND \(age) <= \(dialect.number(recent)) THEN 1 ELSE 0 END)")
            let e = aggregate("SUM(CASE WHEN \(conditions) AND \(age) > \(dialect.number(recent)) AND \(age) <= "
                + "\(dialect.number(recent + earlier)) THEN 1 ELSE 0 END)")
            return "LN((1E0 + COALESCE(\(r), 0)) / (1E0 + COALESCE(\(e), 0) * \(dialect.number(recent)) / \(dialect.number(earlier))))"
        case .speedToLead(let from):
            let touches = filter(EventFilter(types: spec.salesTouchTypes))
            let first = aggregate("MIN(CASE WHEN \(when(touches)) THEN ev.t END)")
            // GREATEST skips NULLs in both engines, so the missing case is spelt out.
            let hours = "(\(first) - \(stamp(from))) / 3.6E3"
            return "CASE WHEN \(hours) IS NULL THEN NULL ELSE GREATEST(0E0, \(hours)) END"
        case .interaction:
            preconditionFailure("Interactions have no input column.")
        }
    }

    /// `lead_events`, one row per event and lead it counts for, before the lead's cut-off;
    /// `lead_aggregates`, one row per lead with events.
    func eventCTEs() -> String {
        let tables = spec.tables
        let events = tables.events!
        let e = { (column: String) in "e." + dialect.identifier(column) }
        let time = dialect.epoch(e(events.time))
        var fields = ["o.\(dialect.identifier(tables.leads.id!)) AS lead_key", "o.propensity_cutoff AS cutoff",
                      "\(time) AS t", "\(e(events.type)) AS event_type"]
        fields.append(events.asset.map { "\(e($0)) AS asset" } ?? "NULL AS asset")
        for (k, column) in anchors.enumerated() { fields.append("\(stamp(column)) AS anchor\(k)") }
        var contactJoin = ""
        if let contacts = tables.contacts, let contact = events.contact {
            contactJoin = "\n    LEFT JOIN \(dialect.table(tables.contactsReference!.table)) AS c ON c.\(dialect.identifier(contacts.id)) = \(e(contact))"
            fields.append("\(e(contact)) AS contact_key")
            fields.append(contacts.role.map { "c.\(dialect.identifier($0)) AS role" } ?? "NULL AS role")
        } else {
            fields += ["NULL AS contact_key", "NULL AS role"]
        }
        let source = "\(dialect.table(tables.eventsReference!.table)) AS e" + contactJoin
        let select = "SELECT " + fields.joined(separator: ", ")
        // An event names its lead, or else its contact does: the contact's lead, or every lead
        // of the contact's company.
        var parts: [String] = []
        if let lead = events.lead {
            parts.append("    \(select)\n    FROM \(source)\n    JOIN open_leads AS o ON o.\(dialect.identifier(tables.leads.id!)) = \(e(lead))"
                + "\n    WHERE \(time) < o.propensity_cutoff")
        }
        if let contacts = tables.contacts, events.contact != nil {
            // A contact with a company counts for every lead of it, as in `EventAggregator`.
            let owner = contacts.company.map { "o.\(dialect.identifier(tables.leads.company!)) = c.\(dialect.identifier($0))" }
                ?? "o.\(dialect.identifier(tables.leads.id!)) = c.\(dialect.identifier(contacts.lead!))"
            let noLead = events.lead.map { "\(e($0)) IS NULL AND " } ?? ""
            parts.append("    \(select)\n    FROM \(source)\n    JOIN open_leads AS o ON \(owner)"
                + "\n    WHERE \(noLead)\(time) < o.propensity_cutoff")
        }
        let leadEvents = "lead_events AS (\n" + parts.joined(separator: "\n    UNION ALL\n") + "\n)"
        let aggregates = "lead_aggregates AS (\n  SELECT ev.lead_key,\n    " + self.aggregates.joined(separator: ",\n    ")
            + "\n  FROM lead_events AS ev\n  GROUP BY ev.lead_key\n)"
        return leadEvents + ",\n" + aggregates
    }
}

extension SQLDialect {
    /// Seconds since 1970 of a timestamp expression, as a double.
    func epoch(_ timestamp: String) -> String {
        switch self {
        case .postgresql: return "CAST(EXTRACT(EPOCH FROM \(timestamp)) AS DOUBLE PRECISION)"
        case .spark: return "CAST(UNIX_MICROS(\(timestamp)) AS DOUBLE) / 1E6"
        }
    }

    /// A table name, `name` or `schema.name`, each part quoted as needed.
    func table(_ name: String) -> String {
        name.split(separator: ".", maxSplits: 1).map { identifier(String($0)) }.joined(separator: ".")
    }
}
