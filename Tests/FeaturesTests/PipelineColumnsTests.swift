import Features
import Foundation
import Testing

/// The leads columns forecasts and analyses read (amount, won amount, source, owner, cost),
/// grouping columns, and the pipeline as it stood at a past instant.
struct PipelineColumnsTests {
    /// MiniCRM with the business columns mapped, and a lead that became an SQL later (L4) and
    /// one closed without a close date (L5).
    static func crm() -> MiniCRM {
        var crm = MiniCRM()
        crm.leads = """
            lead_id,company_id,source,owner_rep,created_at,sql_at,amount,cost,outcome,closed_at,final_amount,loss_reason
            L1,c1,referral,ana,2025-01-01T09:00:00Z,2025-01-10T00:00:00Z,50000,120.5,won,2025-03-01T00:00:00Z,48000,
            L2,c2,paid_ads,ben,2025-01-05T09:00:00Z,2025-01-06T00:00:00Z,12000,80,lost,2025-01-20T00:00:00Z,,price
            L3,c1,referral,ana,2025-02-01T09:00:00Z,2025-02-10T00:00:00Z,,,,,,
            L4,c2,,ben,2025-02-01T09:00:00Z,2025-04-10T00:00:00Z,7000,15,,,,
            L5,c2,paid_ads,ben,2025-01-01T09:00:00Z,2025-01-02T00:00:00Z,9000,30,lost,,,

            """
        crm.spec = crm.spec.replacingOccurrences(
            of: "closed_at: closed_at}",
            with: "closed_at: closed_at, amount: amount, won_amount: final_amount, source: source, owner: owner_rep, cost: cost}")
        crm.spec = crm.spec.replacingOccurrences(of: "outcome_time: [loss_reason]", with: "outcome_time: [loss_reason, final_amount]")
        return crm
    }

    static func load(_ crm: MiniCRM, grouping: [ColumnReference] = []) throws -> CRMDataSet {
        let directory = try crm.write()
        let spec = try FeatureSpec(contentsOf: directory.appending(path: "spec.yaml"))
        return try CRMDataSet(spec: spec, directory: directory, skipInvalidRows: true, keepingOtherLeadColumns: false,
                              groupingColumns: grouping)
    }

    @Test("The spec maps amount, won amount, source, owner and cost; the won amount is outcome-time")
    func specEntries() throws {
        let directory = try Self.crm().write()
        let spec = try FeatureSpec(contentsOf: directory.appending(path: "spec.yaml"))
        let leads = spec.tables.leads
        #expect(leads.amount == "amount")
        #expect(leads.wonAmount == "final_amount")
        #expect(leads.source == "source")
        #expect(leads.owner == "owner_rep")
        #expect(leads.cost == "cost")
        #expect(spec.outcomeTimeColumns.contains("final_amount"))
        // The model file stores the spec as JSON: the entries survive the round trip.
        let decoded = try JSONDecoder().decode(FeatureSpec.self, from: JSONEncoder().encode(spec))
        #expect(decoded == spec)
    }

    @Test("A feature cannot read the won amount, even when outcome_time forgets it")
    func wonAmountIsNotAFeature() throws {
        var crm = Self.crm()
        crm.spec = crm.spec.replacingOccurrences(of: "outcome_time: [loss_reason, final_amount]", with: "outcome_time: [loss_reason]")
        crm.spec += "  - {name: booked, numeric: final_amount}\n"
        let directory = try crm.write()
        #expect(throws: FeatureSpecError.self) { try FeatureSpec(contentsOf: directory.appending(path: "spec.yaml")) }
    }

    @Test("Numbers and labels of the mapped columns, leads and companies, missing as NaN and nil")
    func columns() throws {
        let data = try Self.load(Self.crm(), grouping: [ColumnReference(parsing: "companies.country")])
        let ids = (0..<data.leadCount).map { data.leadID(at: $0) }
        #expect(ids == ["L1", "L2", "L3", "L4", "L5"])
        #expect(data.leadNumbers("amount")!.map { $0.isNaN ? -1 : $0 } == [50000, 12000, -1, 7000, 9000])
        #expect(data.leadNumbers("final_amount")!.map { $0.isNaN ? -1 : $0 } == [48000, -1, -1, -1, -1])
        #expect(data.leadNumbers("cost")!.map { $0.isNaN ? -1 : $0 } == [120.5, 80, -1, 15, 30])
        #expect(data.labels(of: ColumnReference(parsing: "owner_rep"))! == ["ana", "ben", "ana", "ben", "ben"])
        #expect(data.labels(of: ColumnReference(parsing: "source"))! == ["referral", "paid_ads", "referral", nil, "paid_ads"])
        #expect(data.labels(of: ColumnReference(parsing: "companies.country"))! == ["DE", "US", "DE", "US", "US"])
        #expect(data.labels(of: ColumnReference(parsing: "companies.industry"))! == ["software", "retail", "software", "retail", "retail"])
        #expect(data.labels(of: ColumnReference(parsing: "companies.employees")) == nil)  // a number column
        #expect(data.labels(of: ColumnReference(parsing: "amount")) == nil)  // a number column
    }

    @Test("A grouping column the tables lack is an error naming it")
    func missingGroupingColumn() throws {
        #expect {
            try Self.load(Self.crm(), grouping: [ColumnReference(parsing: "companies.segment")])
        } throws: { error in
            (error as? CRMDataError)?.description.hasPrefix(
                "companies.csv, column `segment` (grouping by companies.segment): the grouping names this column, which the file lacks.") == true
        }
    }

    @Test("The pipeline at an instant: SQLs by then, not closed by then")
    func pipelineAtInstant() throws {
        let data = try Self.load(Self.crm())
        func pipeline(_ text: String) -> [String] {
            data.pipelineLeads(at: Timestamp.seconds(from: text)!).map { data.leadID(at: $0) }
        }
        // L2 became an SQL on 01-06 and closed on 01-20; L1 on 01-10, closed 03-01; L3 on 02-10, open;
        // L4 on 04-10, open; L5 closed on an unknown date, never counted.
        #expect(pipeline("2025-01-05") == [])
        #expect(pipeline("2025-01-15") == ["L1", "L2"])
        #expect(pipeline("2025-01-20T00:00:00Z") == ["L1"])  // closed at that instant: no longer open
        #expect(pipeline("2025-02-15") == ["L1", "L3"])
        #expect(pipeline("2025-06-01") == ["L3", "L4"])
    }
}
