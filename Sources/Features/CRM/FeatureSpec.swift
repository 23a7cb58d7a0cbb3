/// What a data set's tables are called, how the label and the cut-off are defined, and which
/// features to build: the *feature spec*, read from a YAML or JSON file with
/// `FeatureSpec(contentsOf:)` and saved inside every model trained from it.
///
/// The README documents the format with a complete example. In short:
///
/// ```yaml
/// version: 1
/// tables:
///   leads: {file: leads.csv, id: lead_id, company: company_id, outcome: outcome, closed_at: closed_at}
///   events: {file: events.csv, time: occurred_at, type: event_type, contact: contact_id}
/// label: {won: [won], lost: [lost]}
/// cutoff: {after: sql_at, days: 14}
/// features:
///   - {name: amount, numeric: amount, transform: log1p}
///   - {name: web_visits_30d, event_count: {types: [web_visit], window: {days: 30}}}
/// ```
public struct FeatureSpec: Codable, Equatable, Sendable {
    /// The spec format version; 1 is the only one so far.
    public var version: Int
    /// The tables of the data set and their key columns.
    public var tables: Tables
    /// Which outcome values are won and lost; every other value is an open SQL.
    public var label: LabelRule
    /// The training cut-off of each lead; `nil` for a table of leads without events, whose
    /// columns are all known before the cut-off (closed leads are then taken as they are).
    public var cutoff: CutoffRule?
    /// Leads columns filled in only once the outcome is known; never allowed as features.
    public var outcomeTime: [String]
    /// Event types that are touches by sales (calls, meetings, sales e-mails).
    public var salesTouchTypes: [String]
    /// The features, in the order their columns appear in the model.
    public var features: [FeatureDefinition]

    public init(version: Int = 1, tables: Tables, label: LabelRule, cutoff: CutoffRule?, outcomeTime: [String] = [],
                salesTouchTypes: [String] = [], features: [FeatureDefinition]) {
        self.version = version
        self.tables = tables
        self.label = label
        self.cutoff = cutoff
        self.outcomeTime = outcomeTime
        self.salesTouchTypes = salesTouchTypes
        self.features = features
    }

    /// The leads columns that can never be features: the outcome, the close date, the won
    /// amount and `outcomeTime`.
    public var outcomeTimeColumns: Set<String> {
        var columns = Set(outcomeTime)
        columns.insert(tables.leads.outcome)
        if let closedAt = tables.leads.closedAt { columns.insert(closedAt) }
        if let wonAmount = tables.leads.wonAmount { columns.insert(wonAmount) }
        return columns
    }
}

extension FeatureSpec {
    /// The tables of a data set: file names relative to the data folder, and key columns.
    public struct Tables: Codable, Equatable, Sendable {
        public var leads: LeadsTable
        public var companies: CompaniesTable?
        public var contacts: ContactsTable?
        public var events: EventsTable?

        public init(leads: LeadsTable, companies: CompaniesTable? = nil, contacts: ContactsTable? = nil,
                    events: EventsTable? = nil) {
            self.leads = leads
            self.companies = companies
            self.contacts = contacts
            self.events = events
        }
    }

    /// One row per SQL.
    public struct LeadsTable: Codable, Equatable, Sendable {
        public var file: String
        /// The database table or view (`table:`), for a PostgreSQL source; default: the file
        /// name without its extension.
        public var table: String?
        /// The lead's unique id; without one, leads are numbered by row (1, 2, …).
        public var id: String?
        /// The key into the companies table, when there is one.
        public var company: String?
        /// The outcome text the label comes from.
        public var outcome: String
        /// When the SQL closed; clamps the training cut-off.
        public var closedAt: String?
        /// The deal's value while it is open (the pipeline amount): what a forecast weighs by.
        public var amount: String?
        /// The revenue a won deal booked, known only once it closed; a won lead without it
        /// counts its `amount`.
        public var wonAmount: String?
        /// Where the lead came from (trade show, referral, paid ads…), for the source analysis.
        public var source: String?
        /// The rep who owns the lead.
        public var owner: String?
        /// What acquiring the lead cost (cost per lead), for cost per won deal and return on cost.
        public var cost: String?

        public init(file: String, id: String?, company: String? = nil, outcome: String, closedAt: String? = nil,
                    amount: String? = nil, wonAmount: String? = nil, source: String? = nil, owner: String? = nil,
                    cost: String? = nil, table: String? = nil) {
            self.file = file
            self.table = table
            self.id = id
            self.company = company
            self.outcome = outcome
            self.closedAt = closedAt
            self.amount = amount
            self.wonAmount = wonAmount
            self.source = source
            self.owner = owner
            self.cost = cost
        }
    }

    /// Company (account) properties, one row per company.
    public struct CompaniesTable: Codable, Equatable, Sendable {
        public var file: String
        /// The database table or view (`table:`), for a PostgreSQL source; default: the file
        /// name without its extension.
        public var table: String?
        public var id: String

        public init(file: String, id: String, table: String? = nil) {
            self.file = file
            self.table = table
            self.id = id
        }
    }

    /// Contacts: the people of a buying team.
    public struct ContactsTable: Codable, Equatable, Sendable {
        public var file: String
        /// The database table or view (`table:`), for a PostgreSQL source; default: the file
        /// name without its extension.
        public var table: String?
        public var id: String
        /// The lead a contact belongs to, or…
        public var lead: String?
        /// …the company, in which case the contact counts for every lead of that company.
        public var company: String?
        /// The contact's role or job function, matched by `roles:` filters.
        public var role: String?

        public init(file: String, id: String, lead: String? = nil, company: String? = nil, role: String? = nil,
                    table: String? = nil) {
            self.file = file
            self.table = table
            self.id = id
            self.lead = lead
            self.company = company
            self.role = role
        }
    }

    /// Time-stamped engagement events; the large table, read as a stream.
    public struct EventsTable: Codable, Equatable, Sendable {
        public var file: String
        /// The database table or view (`table:`), for a PostgreSQL source; default: the file
        /// name without its extension.
        public var table: String?
        public var time: String
        public var type: String
        /// The contact an event is about, or…
        public var contact: String?
        /// …the lead (when both are given, the lead wins).
        public var lead: String?
        /// The asset (content) the event consumed.
        public var asset: String?

        public init(file: String, time: String, type: String, contact: String? = nil, lead: String? = nil,
                    asset: String? = nil, table: String? = nil) {
            self.file = file
            self.table = table
            self.time = time
            self.type = type
            self.contact = contact
            self.lead = lead
            self.asset = asset
        }
    }

    /// Outcome values: exact, case-sensitive matches.
    public struct LabelRule: Codable, Equatable, Sendable {
        public var won: [String]
        public var lost: [String]

        public init(won: [String], lost: [String]) {
            self.won = won
            self.lost = lost
        }
    }

    /// The training cut-off: `after` + `days`, clamped to the close date when that is earlier.
    public struct CutoffRule: Codable, Equatable, Sendable {
        /// A timestamp column of the leads table, such as the SQL date.
        public var after: String
        public var days: Double

        public init(after: String, days: Double) {
            self.after = after
            self.days = days
        }
    }
}

/// One declared feature: its name, what raw value it reads, and how that value is encoded.
public struct FeatureDefinition: Codable, Equatable, Sendable {
    /// The name reports and output columns use.
    public var name: String
    /// What the feature reads.
    public var kind: FeatureKind
    /// How a numeric value is transformed and encoded (ignored for categorical kinds).
    public var numeric: NumericOptions
    /// How reports put the feature's value in words, with `{value}` standing for the value
    /// (`describe:` in the spec); `nil` for the default wording of the kind.
    public var describe: String?

    public init(name: String, kind: FeatureKind, numeric: NumericOptions = NumericOptions(), describe: String? = nil) {
        self.name = name
        self.kind = kind
        self.numeric = numeric
        self.describe = describe
    }
}

/// A column of the leads table, or of the lead's company.
public struct ColumnReference: Codable, Hashable, Sendable, CustomStringConvertible {
    public enum Table: String, Codable, Sendable { case leads, companies }
    public var table: Table
    public var column: String

    public init(table: Table, column: String) {
        self.table = table
        self.column = column
    }

    /// Reads `companies.X` as a company column and anything else as a leads column.
    public init(parsing text: String) {
        if text.hasPrefix("companies."), text.count > "companies.".count {
            self.init(table: .companies, column: String(text.dropFirst("companies.".count)))
        } else {
            self.init(table: .leads, column: text)
        }
    }

    public var description: String { table == .leads ? column : "companies.\(column)" }
}

/// Which events an engagement feature counts: each list, when present, must contain the
/// event's type, its contact's role and its asset respectively.
public struct EventFilter: Codable, Equatable, Sendable {
    public var types: [String]?
    public var roles: [String]?
    public var assets: [String]?

    public init(types: [String]? = nil, roles: [String]? = nil, assets: [String]? = nil) {
        self.types = types
        self.roles = roles
        self.assets = assets
    }
}

/// The stretch of time before the cut-off that an engagement feature looks at.
public enum EventWindow: Codable, Equatable, Sendable {
    /// The `days` days before the cut-off.
    case beforeCutoff(days: Double)
    /// `days` days from the lead's timestamp `column`, ending at the cut-off if that comes first.
    case after(column: String, days: Double)
}

/// What a feature reads from the data, as of a lead's cut-off.
public enum FeatureKind: Codable, Equatable, Sendable {
    /// A number from a column.
    case numeric(ColumnReference)
    /// A text column, one-hot encoded; levels rarer than `minCount` pool into `other`.
    case categorical(ColumnReference, minCount: Int)
    /// A high-cardinality text column, hashed into `buckets` signed columns.
    case hashed(ColumnReference, buckets: Int)
    /// Days from one leads timestamp to another, both before the cut-off.
    case daysBetween(from: String, to: String)
    /// The number of matching events.
    case eventCount(EventFilter, window: EventWindow?)
    /// Days from the last matching event to the cut-off; missing when there is none.
    case daysSinceLastEvent(EventFilter)
    /// Σ weight · ½^(age / half-life) over matching events.
    case decayedEngagement(EventFilter, halfLifeDays: Double, halfLives: [String: Double], weights: [String: Double])
    /// log((1 + recent) / (1 + earlier · recentDays / earlierDays)).
    case velocity(EventFilter, recentDays: Double, earlierDays: Double)
    /// Distinct contacts with a matching event.
    case distinctContacts(EventFilter, window: EventWindow?)
    /// 1 when a matching event exists, else 0.
    case consumed(EventFilter, window: EventWindow?)
    /// Hours from the leads timestamp `from` to the first sales touch; missing when none.
    case speedToLead(from: String)
    /// The number of sales-touch events.
    case salesTouches(window: EventWindow?)
    /// Products of the output columns of two earlier features.
    case interaction(String, String)

    /// Whether the raw value is text (encoded by level or hash) rather than a number.
    public var isText: Bool {
        switch self {
        case .categorical, .hashed: return true
        default: return false
        }
    }

    /// Whether the value comes from the events table.
    public var readsEvents: Bool {
        switch self {
        case .eventCount, .daysSinceLastEvent, .decayedEngagement, .velocity, .distinctContacts, .consumed,
             .speedToLead, .salesTouches:
            return true
        default:
            return false
        }
    }
}
