import Features
import Foundation
import Testing

/// Every kind of feature computed by hand on `MiniCRM`, and the cut-off respected to the second.
struct CRMExtractionTests {
    let day = 86_400.0

    @Test("cut-offs: SQL date + 14 days, clamped to the close date; open leads as of the given instant")
    func cutoffs() throws {
        let data = try MiniCRM().load()
        let cutoffs = data.cutoffs(openLeadsAsOf: Timestamp.seconds(from: "2025-02-20")!)
        #expect(data.outcomes == [.won, .lost, .open])
        #expect(cutoffs[0] == Timestamp.seconds(from: "2025-01-24T00:00:00Z"))
        #expect(cutoffs[1] == Timestamp.seconds(from: "2025-01-20T00:00:00Z"))
        #expect(cutoffs[2] == Timestamp.seconds(from: "2025-02-20"))
        #expect(data.cutoffs(openLeadsAsOf: nil)[2].isNaN)
    }

    @Test("lead and company columns, and stage timestamps")
    func columns() throws {
        let (data, raw) = try MiniCRM().raw(asOf: "2025-02-20")
        #expect(raw.number("amount", "L1", in: data) == 50000)
        #expect(raw.number("amount", "L3", in: data).isNaN)
        #expect(raw.number("employees", "L2", in: data) == 40)
        #expect(raw.number("created_to_sql", "L1", in: data) == 9 - 9.0 / 24)
        let source = raw.texts[1]!
        #expect(source.value(at: 1) == "paid_ads")
        let industry = raw.texts[3]!
        #expect(industry.value(at: 0) == "software" && industry.value(at: 1) == "retail")
    }

    @Test("engagement aggregates as of the cut-off")
    func engagement() throws {
        let (data, raw) = try MiniCRM().raw(asOf: "2025-02-20")
        // L1: e1 call (Jan 2), e2 download 1 s before the cut-off, e4/e5 web visits (Jan 15, 16);
        // e3 at the cut-off itself does not count.
        #expect(raw.number("web_visits", "L1", in: data) == 2)
        #expect(raw.number("events_7d", "L1", in: data) == 1)  // only e2 is within Jan 17–24
        #expect(raw.number("since_last", "L1", in: data) == 1.0 / day)
        let ages = [22 - 10.0 / 24, 1.0 / day, 8.5, 7.5]  // days before the cut-off of e1, e2, e4, e5
        #expect(abs(raw.number("engagement", "L1", in: data) - ages.map { exp2(-$0 / 7) }.reduce(0, +)) < 1e-12)
        // Recent 7 days: e2; the 14 before: e4, e5.
        #expect(abs(raw.number("velocity", "L1", in: data) - log(2.0 / (1 + 2.0 * 7 / 14))) < 1e-15)
        #expect(raw.number("team", "L1", in: data) == 2)  // p1 (e2) and p2 (e4, e5) after the SQL date
        #expect(raw.number("finance_read_fj", "L1", in: data) == 1)
        #expect(raw.number("speed_to_lead", "L1", in: data) == 25)  // created Jan 1 09:00, called Jan 2 10:00
        #expect(raw.number("touches", "L1", in: data) == 1)

        // L2 closed on Jan 20: the meeting of Jan 21 is after its cut-off.
        #expect(raw.number("touches", "L2", in: data) == 1)
        #expect(raw.number("speed_to_lead", "L2", in: data) == 13 * 24 + 15)
        #expect(raw.number("finance_read_fj", "L2", in: data) == 0)
        // L3 is open, as of Feb 20: its finance contact read the paper on Feb 11.
        #expect(raw.number("finance_read_fj", "L3", in: data) == 1)
        #expect(raw.number("speed_to_lead", "L3", in: data).isNaN)  // not yet touched
        #expect(raw.number("since_last", "L3", in: data) == 9)
    }

    @Test("an event moved one second across the cut-off changes the feature")
    func oneSecondAcrossTheCutoff() throws {
        var crm = MiniCRM()
        let (data, before) = try crm.raw()
        #expect(before.number("finance_read_fj", "L1", in: data) == 1)
        crm.events = crm.events.replacingOccurrences(of: "2025-01-23T23:59:59Z", with: "2025-01-24T00:00:00Z")
        let (_, after) = try crm.raw()
        #expect(after.number("finance_read_fj", "L1", in: data) == 0)
        #expect(after.number("since_last", "L1", in: data) == 7.5)  // e5, on Jan 16 at noon, is now the last
        #expect(after.number("events_7d", "L1", in: data) == 0)
    }

    @Test("a stage timestamp at or after the cut-off reads as missing")
    func stageAfterCutoff() throws {
        var crm = MiniCRM()
        crm.leads = crm.leads.replacingOccurrences(of: "L1,c1,referral,2025-01-01T09:00:00Z", with: "L1,c1,referral,2025-01-24T00:00:00Z")
        let (data, raw) = try crm.raw()
        #expect(raw.number("created_to_sql", "L1", in: data).isNaN)
        #expect(raw.number("speed_to_lead", "L1", in: data).isNaN)
    }

    @Test("open leads are not extracted without an as-of instant")
    func openLeadsNeedAnInstant() throws {
        let (data, raw) = try MiniCRM().raw()
        #expect(raw.number("touches", "L3", in: data).isNaN)
        #expect(raw.number("touches", "L1", in: data) == 1)
    }

    @Test("contacts tied to companies count for every lead of the company")
    func contactsByCompany() throws {
        var crm = MiniCRM()
        crm.contacts = """
            contact_id,company_id,job_function
            p1,c1,finance
            p2,c1,it
            p3,c2,executive
            p4,c1,finance

            """
        crm.spec = crm.spec.replacingOccurrences(of: "contact_id, lead: lead_id", with: "contact_id, company: company_id")
        let (data, raw) = try crm.raw(asOf: "2025-02-20")
        // L3 (company c1, as of Feb 20) now sees p1's, p2's and p4's events.
        #expect(raw.number("web_visits", "L3", in: data) == 3)
        #expect(raw.number("team", "L3", in: data) == 1)  // only p4's Feb 11 event is after its SQL date
    }
}
