import Features
import Foundation
import Testing

/// Bad data stops with the file, line, column and spec entry, or, when asked, is skipped and
/// counted; never a silent zero.
struct CRMDataErrorTests {
    func error(_ crm: MiniCRM) -> String? {
        do {
            _ = try crm.raw(asOf: "2025-02-20")
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("a column the spec names is missing")
    func missingColumn() {
        var crm = MiniCRM()
        crm.leads = crm.leads.replacingOccurrences(of: ",amount,", with: ",amount_usd,")
        #expect(error(crm) == "leads.csv, column `amount` (features[0] (amount)): the spec names this column, which the file lacks. "
            + "Its columns are: `lead_id`, `company_id`, `source`, `created_at`, `sql_at`, `amount_usd`, `outcome`, `closed_at`, `loss_reason`.")
    }

    @Test("a table the spec names is missing")
    func missingTable() {
        var crm = MiniCRM()
        crm.spec = crm.spec.replacingOccurrences(of: "file: events.csv", with: "file: activity.csv")
        #expect(error(crm)?.hasPrefix("activity.csv: cannot read the file (") == true)
        #expect(error(crm)?.hasSuffix("). Check that the data folder holds it, or correct its `file:` in the spec.") == true)
    }

    @Test("unparsable numbers and timestamps")
    func unparsable() {
        var crm = MiniCRM()
        crm.leads = crm.leads.replacingOccurrences(of: "50000", with: "50k")
        #expect(error(crm) == "leads.csv, line 2, column `amount` (features[0] (amount)): `50k` is not a finite number. "
            + "Write numbers like 12500 or 0.25 (no thousands separators), or leave the cell empty.")
        crm = MiniCRM()
        crm.events = crm.events.replacingOccurrences(of: "2025-01-15T12:00:00Z", with: "15/01/2025")
        #expect(error(crm) == "events.csv, line 5, column `occurred_at` (tables.events.time): `15/01/2025` is not an ISO 8601 timestamp. "
            + "Write instants like 2025-03-04T14:05:00Z.")
        crm = MiniCRM()
        crm.leads = crm.leads.replacingOccurrences(of: "2025-01-10T00:00:00Z", with: "2025-01-32")
        #expect(error(crm) == "leads.csv, line 2, column `sql_at` (cutoff.after): `2025-01-32` is not an ISO 8601 timestamp. "
            + "Write instants like 2025-03-04 or 2025-03-04T14:05:00Z, or leave the cell empty.")
    }

    @Test("an event for an unknown contact, and duplicate ids")
    func references() {
        var crm = MiniCRM()
        crm.events += "e9,p99,2025-01-15T12:00:00Z,web_visit,\n"
        #expect(error(crm) == "events.csv, line 10, column `contact_id` (tables.events.contact): the contact `p99` is not in the contacts table. "
            + "Correct the id, or skip such rows with --skip-invalid-rows.")
        crm = MiniCRM()
        crm.leads += "L1,c2,referral,2025-02-01T09:00:00Z,2025-02-10T00:00:00Z,1,,,\n"
        #expect(error(crm) == "leads.csv, line 5, column `lead_id` (tables.leads.id): the id `L1` appears twice (first on line 2). Ids must be unique.")
        crm = MiniCRM()
        crm.leads = crm.leads.replacingOccurrences(of: "L2,c2,", with: "L2,c9,")
        #expect(error(crm) == "leads.csv, line 3, column `company_id` (tables.leads.company): the company `c9` is not in companies.csv. Add it there or correct the id.")
    }

    @Test("a closed lead without its cut-off anchor")
    func missingAnchor() {
        var crm = MiniCRM()
        crm.leads = crm.leads.replacingOccurrences(of: "2025-01-06T00:00:00Z", with: "")
        #expect(error(crm) == "leads.csv, line 3, column `sql_at` (cutoff.after): this closed lead has no `sql_at`, which its training cut-off is counted from. "
            + "Fill it in, or skip such rows with --skip-invalid-rows.")
    }

    @Test("skipping bad rows counts them by reason")
    func skipping() throws {
        var crm = MiniCRM()
        crm.events += "e9,p99,2025-01-15T12:00:00Z,web_visit,\ne10,p98,2025-01-15T12:00:00Z,web_visit,\ne11,p1,yesterday,call,\n"
        crm.leads += "L4,c1,referral,2025-02-01T09:00:00Z,2025-02-10T00:00:00Z,lots,,,\n"
        let data = try crm.load(skipInvalidRows: true)
        #expect(data.leadCount == 3)
        let raw = try FeatureExtractor.rawFeatures(data, cutoffs: data.cutoffs(openLeadsAsOf: nil), skipInvalidRows: true)
        #expect(data.skipped.lines == ["leads.csv: unreadable number in column `amount`: 1 row skipped (first on line 5)"])
        #expect(raw.skipped.lines == [
            "events.csv: event for an unknown contact: 2 rows skipped (first on line 10)",
            "events.csv: unreadable timestamp: 1 row skipped (first on line 12)",
        ])
        #expect(raw.eventCount == 11)
    }
}
