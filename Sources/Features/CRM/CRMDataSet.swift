import Dispatch
import Synchronization
import Foundation

/// What became of an SQL, by the spec's label rule.
public enum LeadOutcome: UInt8, Codable, Sendable {
    case won, lost, open

    /// Whether the SQL has closed, won or lost.
    public var isClosed: Bool { self != .open }
}

/// A CRM export read through a feature spec: leads, companies and contacts in memory as typed
/// columns, the events table left in its source (a file, a database table) to be streamed by
/// `FeatureExtractor`.
///
/// ```swift
/// let spec = try FeatureSpec(contentsOf: URL(filePath: "crm/spec.yaml"))
/// let data = try CRMDataSet(spec: spec, directory: URL(filePath: "crm"))
/// print(data.leadCount, data.outcomes.filter { $0 == .won }.count)
/// ```
public struct CRMDataSet: Sendable {
    /// The spec the data was read with.
    public let spec: FeatureSpec
    /// Where the tables come from.
    public let source: any CRMTableSource
    let leads: LoadedTable
    let companies: LoadedTable?
    /// Per lead, its row in `companies`, or -1.
    let leadCompany: [Int32]
    /// Per contact, its lead (contacts tied to leads) or its company (tied to companies).
    let contactOwner: [Int32]
    let contactIDs: ByteStringTable
    /// Per contact, its role's code in `roles`, or -1.
    let contactRole: [Int32]
    let roles: ByteStringTable
    /// Per company, the leads of that company (compressed rows), for contacts tied to companies.
    let companyLeadStarts: [Int32]
    let companyLeads: [Int32]
    /// The outcome of every lead.
    public let outcomes: [LeadOutcome]
    /// Per lead, the training cut-off (closed leads; +∞ without a cut-off rule or close date)
    /// or NaN (open leads).
    let trainingCutoff: [Double]
    /// Rows skipped because they were invalid and the caller chose to skip them.
    public private(set) var skipped: SkippedRows

    /// The number of leads (SQLs), open and closed.
    public var leadCount: Int { leads.rowCount }

    /// Lead `index`'s id.
    public func leadID(at index: Int) -> String { leads.ids.key(at: index) }

    /// The index of the lead with id `id`.
    public func leadIndex(of id: String) -> Int? { leads.ids.index(of: id) }

    /// Reads the leads, companies and contacts tables `spec` names, from the CSV files of
    /// `directory`; see `init(spec:source:skipInvalidRows:keepingOtherLeadColumns:threads:groupingColumns:)`.
    public init(spec: FeatureSpec, directory: URL, skipInvalidRows: Bool = false, keepingOtherLeadColumns: Bool = true,
                threads: Int = 1, groupingColumns: [ColumnReference] = []) throws(CRMDataError) {
        try self.init(spec: spec, source: CRMFolder(directory), skipInvalidRows: skipInvalidRows,
                      keepingOtherLeadColumns: keepingOtherLeadColumns, threads: threads, groupingColumns: groupingColumns)
    }

    /// Reads the leads, companies and contacts tables `spec` names, from `source`.
    ///
    /// - Parameters:
    ///   - skipInvalidRows: Skip and count rows with unparsable values, duplicate ids, unknown
    ///     references or a closed lead without its cut-off anchor, instead of stopping at the first.
    ///   - keepingOtherLeadColumns: Also keep the leads columns the spec does not read (as
    ///     text), for `leadColumns` and the leakage check; default true. Scoring does without.
    ///   - threads: Read the companies, leads and contacts tables at once on up to this many
    ///     threads; default 1. The data set is the same for any count.
    ///   - groupingColumns: Leads or companies columns to keep as text as well, for `labels(of:)`
    ///     (forecasts and analyses by region, industry…); a column the spec already reads keeps
    ///     its role.
    /// - Throws: `CRMDataError` naming the file, line, column and spec entry of the problem
    ///   (the first in the order companies, leads, contacts).
    public init(spec: FeatureSpec, source: any CRMTableSource, skipInvalidRows: Bool = false, keepingOtherLeadColumns: Bool = true,
                threads: Int = 1, groupingColumns: [ColumnReference] = []) throws(CRMDataError) {
        self.spec = spec
        self.source = source
        var needed = try Self.requirements(of: spec)
        for reference in groupingColumns {
            let requirement = ColumnRequirement(column: reference.column, role: .text, entry: "grouping by \(reference)")
            if reference.table == .leads {
                if !needed.leads.contains(where: { $0.column == reference.column }) { needed.leads.append(requirement) }
            } else {
                guard spec.tables.companies != nil else {
                    throw CRMDataError(file: spec.tables.leads.file, column: reference.column, entry: "grouping by \(reference)",
                                       message: "the spec names no companies table. Group by a leads column, or add `tables.companies` to the spec.")
                }
                if !needed.companies.contains(where: { $0.column == reference.column }) { needed.companies.append(requirement) }
            }
        }
        let requirements = needed
        let tables = spec.tables
        var skipped = SkippedRows()

        // The three tables are independent files: read them at once, then link them.
        var loads: [@Sendable () -> Result<LoadedTable, CRMDataError>] = []
        if let table = tables.companies, let reference = tables.companiesReference {
            loads.append {
                Self.load(reference, from: source,
                          required: [ColumnRequirement(column: table.id, role: .id, entry: "tables.companies.id")]
                              + requirements.companies,
                          keepOthers: false, skipInvalid: skipInvalidRows)
            }
        }
        loads.append {
            Self.load(tables.leadsReference, from: source, required: requirements.leads,
                      keepOthers: keepingOtherLeadColumns, skipInvalid: skipInvalidRows)
        }
        if let table = tables.contacts, let reference = tables.contactsReference {
            var required = [ColumnRequirement(column: table.id, role: .id, entry: "tables.contacts.id")]
            let ownerColumn = table.lead ?? table.company!
            required.append(ColumnRequirement(column: ownerColumn, role: .text,
                                              entry: table.lead != nil ? "tables.contacts.lead" : "tables.contacts.company"))
            if let role = table.role { required.append(ColumnRequirement(column: role, role: .text, entry: "tables.contacts.role")) }
            let columns = required
            loads.append {
                Self.load(reference, from: source, required: columns, keepOthers: false, skipInvalid: skipInvalidRows)
            }
        }
        var results = [Result<LoadedTable, CRMDataError>?](repeating: nil, count: loads.count)
        if threads > 1 {
            let shared = Mutex(results)
            let jobs = loads
            DispatchQueue.concurrentPerform(iterations: jobs.count) { k in
                let result = jobs[k]()
                shared.withLock { $0[k] = result }
            }
            results = shared.withLock { $0 }
        } else {
            for k in loads.indices { results[k] = loads[k]() }
        }
        var loaded = try results.map { result throws(CRMDataError) in try result!.get() }
        let companies = tables.companies != nil ? loaded.removeFirst() : nil
        var leads = loaded.removeFirst()
        let loadedContacts = tables.contacts != nil ? loaded.removeFirst() : nil
        if let companies { skipped.merge(companies.skipped) }
        if tables.leads.id == nil {
            for row in 0..<leads.rowCount { leads.ids.insert("\(row + 1)") }
        }
        skipped.merge(leads.skipped)

        // Companies of leads.
        var leadCompany = [Int32](repeating: -1, count: leads.rowCount)
        var keep = [Bool](repeating: true, count: leads.rowCount)
        if let companyColumn = tables.leads.company, let companies {
            let codes = leads.texts[companyColumn]!
            let companyOfCode = (0..<codes.levels.count).map { code in
                companies.ids.index(of: codes.levels.key(at: code)).map(Int32.init) ?? -1
            }
            for row in 0..<leads.rowCount where codes.codes[row] >= 0 {
                let company = companyOfCode[Int(codes.codes[row])]
                if company < 0 {
                    let error = CRMDataError(file: leads.file, line: Int(leads.lines[row]), column: companyColumn,
                                             entry: "tables.leads.company",
                                             message: "the company `\(codes.value(at: row)!)` is not in \(companies.file). Add it there or correct the id.")
                    guard skipInvalidRows else { throw error }
                    skipped.record("\(leads.file): lead names an unknown company", line: error.line!)
                    keep[row] = false
                }
                leadCompany[row] = company
            }
        }

        // Outcomes and training cut-offs.
        let outcomeCodes = leads.texts[tables.leads.outcome]!
        let outcomeOfCode: [LeadOutcome] = (0..<outcomeCodes.levels.count).map { code in
            let text = outcomeCodes.levels.key(at: code)
            return spec.label.won.contains(text) ? .won : spec.label.lost.contains(text) ? .lost : .open
        }
        var outcomes = [LeadOutcome](repeating: .open, count: leads.rowCount)
        var cutoffs = [Double](repeating: .nan, count: leads.rowCount)
        let anchors = spec.cutoff.map { leads.timestamps[$0.after]! }
        let closedAt = tables.leads.closedAt.map { leads.timestamps[$0]! }
        let offset = (spec.cutoff?.days ?? 0) * Timestamp.secondsPerDay
        for row in 0..<leads.rowCount where keep[row] {
            let code = outcomeCodes.codes[row]
            outcomes[row] = code < 0 ? .open : outcomeOfCode[Int(code)]
            guard outcomes[row].isClosed else { continue }
            // Without a cut-off rule (a table without events) a closed lead is taken as it is.
            var cutoff = Double.infinity
            if let anchors, let rule = spec.cutoff {
                let anchor = anchors[row]
                guard !anchor.isNaN else {
                    let error = CRMDataError(file: leads.file, line: Int(leads.lines[row]), column: rule.after,
                                             entry: "cutoff.after",
                                             message: "this closed lead has no `\(rule.after)`, which its training cut-off is counted from. "
                                                 + "Fill it in, or skip such rows with --skip-invalid-rows.")
                    guard skipInvalidRows else { throw error }
                    skipped.record("\(leads.file): closed lead without its cut-off anchor", line: error.line!)
                    keep[row] = false
                    continue
                }
                cutoff = anchor + offset
            }
            if let closed = closedAt?[row], !closed.isNaN, closed < cutoff { cutoff = closed }
            cutoffs[row] = cutoff
        }
        for row in 0..<leads.rowCount where !keep[row] {
            outcomes[row] = .open
            cutoffs[row] = .nan
        }

        // Contacts.
        var contactOwner: [Int32] = []
        var contactRole: [Int32] = []
        var contactIDs = ByteStringTable()
        var roles = ByteStringTable()
        if let table = tables.contacts, let contacts = loadedContacts {
            let ownerColumn = table.lead ?? table.company!
            skipped.merge(contacts.skipped)
            let owners = contacts.texts[ownerColumn]!
            let ownerTable = table.lead != nil ? leads.ids : companies?.ids
            let ownerOfCode = (0..<owners.levels.count).map { code in
                ownerTable?.index(of: owners.levels.key(at: code)).map(Int32.init) ?? -1
            }
            contactOwner = [Int32](repeating: -1, count: contacts.rowCount)
            for row in 0..<contacts.rowCount {
                let code = owners.codes[row]
                let owner = code < 0 ? -1 : ownerOfCode[Int(code)]
                if owner < 0 {
                    let what = table.lead != nil ? "lead" : "company"
                    let error = CRMDataError(
                        file: contacts.file, line: Int(contacts.lines[row]), column: ownerColumn,
                        entry: "tables.contacts.\(what)",
                        message: code < 0 ? "the contact names no \(what). Fill it in, or skip such rows with --skip-invalid-rows."
                            : "the \(what) `\(owners.value(at: row)!)` is not in the \(what == "lead" ? leads.file : companies!.file). "
                                + "Correct the id, or skip such rows with --skip-invalid-rows.")
                    guard skipInvalidRows else { throw error }
                    skipped.record("\(contacts.file): contact of an unknown \(what)", line: error.line!)
                }
                contactOwner[row] = owner
            }
            contactIDs = contacts.ids
            if let role = table.role {
                contactRole = contacts.texts[role]!.codes
                roles = contacts.texts[role]!.levels
            } else {
                contactRole = [Int32](repeating: -1, count: contacts.rowCount)
            }
        }

        // Leads by company, for contacts tied to companies.
        var starts = [Int32](repeating: 0, count: (companies?.rowCount ?? 0) + 1)
        var members: [Int32] = []
        if tables.contacts?.company != nil, let companies {
            for company in leadCompany where company >= 0 { starts[Int(company) + 1] += 1 }
            for k in 0..<companies.rowCount { starts[k + 1] += starts[k] }
            members = [Int32](repeating: 0, count: Int(starts[companies.rowCount]))
            var next = starts
            for (lead, company) in leadCompany.enumerated() where company >= 0 && keep[lead] {
                members[Int(next[Int(company)])] = Int32(lead)
                next[Int(company)] += 1
            }
        }

        self.leads = leads
        self.companies = companies
        self.leadCompany = leadCompany
        self.contactOwner = contactOwner
        self.contactIDs = contactIDs
        self.contactRole = contactRole
        self.roles = roles
        self.companyLeadStarts = starts
        self.companyLeads = members
        self.outcomes = outcomes
        self.trainingCutoff = cutoffs
        self.skipped = skipped
    }

    /// Per lead, the instant its features are computed as of: the training cut-off for closed
    /// leads (`cutoff.after` + `cutoff.days`, or the close date when earlier), and `asOf` for
    /// open leads (NaN when `asOf` is `nil`: open leads are then not extracted).
    public func cutoffs(openLeadsAsOf asOf: Double?) -> [Double] {
        var result = trainingCutoff
        for row in 0..<leadCount where outcomes[row] == .open { result[row] = asOf ?? .nan }
        return result
    }

    /// A timestamp column of the leads table that the spec reads (the cut-off anchor,
    /// `closed_at`, window anchors, `days_between` ends), in seconds; NaN where missing.
    /// `nil` for a column the spec does not read as a timestamp.
    public func leadTimestamps(_ column: String) -> [Double]? { leads.timestamps[column] }

    /// Per lead, the numbers of a leads column the spec reads as numbers (`tables.leads.amount`,
    /// `cost`, `won_amount` or a numeric feature); NaN where missing, `nil` for another column.
    public func leadNumbers(_ column: String) -> [Double]? { leads.numbers[column] }

    /// Per lead, the text of `reference`, a leads or companies column kept as text (a
    /// categorical feature's column, `source`, `owner`, or one of the `groupingColumns`); `nil`
    /// where missing or the lead has no company, and `nil` as a whole for a column not kept
    /// as text.
    public func labels(of reference: ColumnReference) -> [String?]? {
        if reference.table == .leads {
            guard let column = leads.texts[reference.column] else { return nil }
            return (0..<leadCount).map { column.value(at: $0) }
        }
        guard let column = companies?.texts[reference.column] else { return nil }
        return leadCompany.map { $0 < 0 ? nil : column.value(at: Int($0)) }
    }

    /// The leads that were open SQLs at `instant`: already SQLs (the cut-off anchor, when the
    /// spec has one, at or before it) and not yet closed (open today, or closed after it; a
    /// closed lead without a close date is left out, its close unknown). At today's instant
    /// these are the open leads; at a past one, the pipeline as it stood then.
    public func pipelineLeads(at instant: Double) -> [Int] {
        let anchors = spec.cutoff.flatMap { leads.timestamps[$0.after] }
        let closed = closeTimes
        return (0..<leadCount).filter { lead in
            if let anchors, anchors[lead] > instant { return false }
            return outcomes[lead] == .open || closed[lead] > instant
        }
    }

    /// Per lead, when it closed (`tables.leads.closed_at`); NaN when unknown.
    public var closeTimes: [Double] {
        spec.tables.leads.closedAt.flatMap { leads.timestamps[$0] } ?? [Double](repeating: .nan, count: leadCount)
    }

    /// A leads column as read: numbers, timestamps (seconds) or text; NaN and `nil` are missing.
    public enum ColumnValues: Sendable {
        case numbers([Double])
        case timestamps([Double])
        case text([String?])
    }

    /// Every column of the leads table except the id, the outcome and the outcome-time columns,
    /// in file order: what the leakage check compares between closed and open leads.
    public var leadColumns: [(name: String, values: ColumnValues)] {
        let excluded = spec.outcomeTimeColumns.union(spec.tables.leads.id.map { [$0] } ?? [])
        return leads.header.filter { !excluded.contains($0) }.compactMap { name in
            if let numbers = leads.numbers[name] { return (name, .numbers(numbers)) }
            if let stamps = leads.timestamps[name] { return (name, .timestamps(stamps)) }
            guard let text = leads.texts[name] else { return nil }
            // A column no feature reads was kept as text: read it as numbers or timestamps when
            // every value is one, so that it is compared as such.
            let levels = text.levels.keys
            let numbers = levels.map { Double($0) }
            if !levels.isEmpty, numbers.allSatisfy({ $0?.isFinite == true }) {
                return (name, .numbers(text.codes.map { $0 < 0 ? .nan : numbers[Int($0)]! }))
            }
            let stamps = levels.map { Timestamp.seconds(from: $0) }
            if !levels.isEmpty, stamps.allSatisfy({ $0 != nil }) {
                return (name, .timestamps(text.codes.map { $0 < 0 ? .nan : stamps[Int($0)]! }))
            }
            return (name, .text(text.codes.map { $0 < 0 ? nil : levels[Int($0)] }))
        }
    }

    /// Reads one table, the error kept as a value (to cross threads).
    private static func load(_ table: CRMTableReference, from source: any CRMTableSource, required: [ColumnRequirement],
                             keepOthers: Bool, skipInvalid: Bool) -> Result<LoadedTable, CRMDataError> {
        do {
            return .success(try LoadedTable(table, from: source, required: required, keepOthers: keepOthers,
                                            skipInvalid: skipInvalid))
        } catch {
            return .failure(error)
        }
    }

    /// The columns the spec needs from the leads and companies tables, with their roles.
    static func requirements(of spec: FeatureSpec) throws(CRMDataError)
        -> (leads: [ColumnRequirement], companies: [ColumnRequirement])
    {
        let table = spec.tables.leads
        var leads = [ColumnRequirement(column: table.outcome, role: .text, entry: "tables.leads.outcome")]
        if let id = table.id { leads.append(.init(column: id, role: .id, entry: "tables.leads.id")) }
        if let cutoff = spec.cutoff { leads.append(.init(column: cutoff.after, role: .timestamp, entry: "cutoff.after")) }
        if let closedAt = table.closedAt { leads.append(.init(column: closedAt, role: .timestamp, entry: "tables.leads.closed_at")) }
        if let company = table.company { leads.append(.init(column: company, role: .text, entry: "tables.leads.company")) }
        for (column, entry) in [(table.amount, "amount"), (table.wonAmount, "won_amount"), (table.cost, "cost")] {
            if let column { leads.append(.init(column: column, role: .number, entry: "tables.leads.\(entry)")) }
        }
        for (column, entry) in [(table.source, "source"), (table.owner, "owner")] {
            if let column { leads.append(.init(column: column, role: .text, entry: "tables.leads.\(entry)")) }
        }
        var companies: [ColumnRequirement] = []

        func add(_ reference: ColumnReference, _ role: ColumnRole, _ entry: String) {
            let requirement = ColumnRequirement(column: reference.column, role: role, entry: entry)
            if reference.table == .leads { leads.append(requirement) } else { companies.append(requirement) }
        }
        func addWindow(_ window: EventWindow?, _ entry: String) {
            if case .after(let column, _) = window { leads.append(.init(column: column, role: .timestamp, entry: entry)) }
        }
        for (index, feature) in spec.features.enumerated() {
            let entry = "features[\(index)] (\(feature.name))"
            switch feature.kind {
            case .numeric(let reference): add(reference, .number, entry)
            case .categorical(let reference, _), .hashed(let reference, _): add(reference, .text, entry)
            case .daysBetween(let from, let to):
                leads.append(.init(column: from, role: .timestamp, entry: entry))
                leads.append(.init(column: to, role: .timestamp, entry: entry))
            case .speedToLead(let from): leads.append(.init(column: from, role: .timestamp, entry: entry))
            case .eventCount(_, let window), .distinctContacts(_, let window), .consumed(_, let window),
                 .salesTouches(let window):
                addWindow(window, entry)
            case .daysSinceLastEvent, .decayedEngagement, .velocity, .interaction: break
            }
        }
        // One column, one role.
        for (file, list) in [(table.file, leads), (spec.tables.companies?.file ?? "", companies)] {
            var roles: [String: ColumnRequirement] = [:]
            for requirement in list {
                if let earlier = roles[requirement.column], earlier.role != requirement.role {
                    throw CRMDataError(file: file, column: requirement.column, entry: requirement.entry,
                                       message: "the spec reads this column as \(requirement.role) here but as \(earlier.role) in \(earlier.entry). "
                                           + "Use each column one way.")
                }
                roles[requirement.column] = roles[requirement.column] ?? requirement
            }
        }
        return (leads, companies)
    }
}
