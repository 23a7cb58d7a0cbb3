import Features
import Foundation
import TestSupport

/// A four-table CRM export small enough to check every feature by hand, written to a new
/// temporary folder; tests replace one table to set up the case they look at.
///
/// Cut-offs (SQL date + 14 days, clamped to the close date):
/// - L1 (won, closed 2025-03-01): 2025-01-24T00:00:00Z
/// - L2 (lost, closed 2025-01-20): 2025-01-20T00:00:00Z (the close date comes first)
/// - L3 (open)
struct MiniCRM {
    var companies = """
        company_id,industry,employees,country
        c1,software,120,DE
        c2,retail,40,US

        """
    var leads = """
        lead_id,company_id,source,created_at,sql_at,amount,outcome,closed_at,loss_reason
        L1,c1,referral,2025-01-01T09:00:00Z,2025-01-10T00:00:00Z,50000,won,2025-03-01T00:00:00Z,
        L2,c2,paid_ads,2025-01-05T09:00:00Z,2025-01-06T00:00:00Z,12000,lost,2025-01-20T00:00:00Z,price
        L3,c1,referral,2025-02-01T09:00:00Z,2025-02-10T00:00:00Z,,,,

        """
    var contacts = """
        contact_id,lead_id,job_function
        p1,L1,finance
        p2,L1,it
        p3,L2,executive
        p4,L3,finance

        """
    var events = """
        event_id,contact_id,occurred_at,event_type,asset
        e1,p1,2025-01-02T10:00:00Z,call,
        e2,p1,2025-01-23T23:59:59Z,content_download,financial-justification
        e3,p1,2025-01-24T00:00:00Z,web_visit,
        e4,p2,2025-01-15T12:00:00Z,web_visit,
        e5,p2,2025-01-16T12:00:00Z,web_visit,
        e6,p3,2025-01-19T00:00:00Z,meeting,
        e7,p3,2025-01-21T00:00:00Z,meeting,
        e8,p4,2025-02-11T00:00:00Z,content_download,financial-justification

        """
    var spec = """
        version: 1
        tables:
          leads: {file: leads.csv, id: lead_id, company: company_id, outcome: outcome, closed_at: closed_at}
          companies: {file: companies.csv, id: company_id}
          contacts: {file: contacts.csv, id: contact_id, lead: lead_id, role: job_function}
          events: {file: events.csv, time: occurred_at, type: event_type, contact: contact_id, asset: asset}
        label: {won: [won], lost: [lost]}
        cutoff: {after: sql_at, days: 14}
        outcome_time: [loss_reason]
        sales_touch_types: [call, meeting]
        features:
          - {name: amount, numeric: amount, transform: log1p}
          - {name: source, categorical: source, min_count: 1}
          - {name: employees, numeric: companies.employees}
          - {name: industry, hashed: companies.industry, buckets: 4}
          - {name: created_to_sql, days_between: [created_at, sql_at]}
          - {name: web_visits, event_count: {types: [web_visit]}}
          - {name: events_7d, event_count: {window: {days: 7}}}
          - {name: since_last, days_since_last_event: {}}
          - {name: engagement, decayed_engagement: {half_life_days: 7, weights: {meeting: 3}}}
          - {name: velocity, velocity: {recent_days: 7, earlier_days: 14}}
          - {name: team, distinct_contacts: {window: {after: sql_at, days: 14}}}
          - {name: finance_read_fj, consumed: {roles: [finance], assets: [financial-justification]}}
          - {name: speed_to_lead, speed_to_lead: {from: created_at}}
          - {name: touches, sales_touches: {}}

        """

    /// Writes the tables and the spec to a new folder.
    func write() throws -> URL {
        let directory = try makeTemporaryDirectory()
        for (name, text) in [("companies.csv", companies), ("leads.csv", leads), ("contacts.csv", contacts),
                             ("events.csv", events), ("spec.yaml", spec)] {
            try Data(text.utf8).write(to: directory.appending(path: name))
        }
        return directory
    }

    /// Reads the written folder through its spec.
    func load(skipInvalidRows: Bool = false) throws -> CRMDataSet {
        let directory = try write()
        let spec = try FeatureSpec(contentsOf: directory.appending(path: "spec.yaml"))
        return try CRMDataSet(spec: spec, directory: directory, skipInvalidRows: skipInvalidRows)
    }

    /// The raw features of the written folder, open leads as of `asOf`.
    func raw(asOf: String? = nil) throws -> (CRMDataSet, RawFeatures) {
        let data = try load()
        let raw = try FeatureExtractor.rawFeatures(data, cutoffs: data.cutoffs(openLeadsAsOf: asOf.map { Timestamp.seconds(from: $0)! }))
        return (data, raw)
    }
}

extension RawFeatures {
    /// Feature `name`'s raw number for lead `id`.
    func number(_ name: String, _ id: String, in data: CRMDataSet) -> Double {
        let index = data.spec.features.firstIndex { $0.name == name }!
        return numbers[index]![data.leadIndex(of: id)!]
    }
}
