import Features
import Foundation
import Testing
import TestSupport

/// Several cut-off sets extracted in one pass over the events give, set by set, what separate
/// one-set runs give; and the latest event time is the file's.
struct CutoffSetsTests {
    let day = 86_400.0

    static func seconds(_ text: String) -> Double { Timestamp.seconds(from: text)! }

    /// The latest `occurred_at` of `events.csv` in `directory`, parsed with Foundation's own
    /// ISO 8601 reader rather than `Timestamp`.
    static func latestTime(inEventsOf directory: URL) throws -> Double {
        let text = try String(contentsOf: directory.appending(path: "events.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n")
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false)
        let column = header.firstIndex(of: "occurred_at")!
        let formatter = ISO8601DateFormatter()
        var latest = -Double.infinity
        for line in lines {
            let field = line.split(separator: ",", omittingEmptySubsequences: false)[column]
            latest = max(latest, formatter.date(from: String(field))!.timeIntervalSince1970)
        }
        return latest
    }

    /// Whether `a` and `b` are the same raw features, bit for bit (NaN equal to NaN).
    static func expectSame(_ a: RawFeatures, _ b: RawFeatures, _ data: CRMDataSet, _ what: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.cutoffs.map(\.bitPattern) == b.cutoffs.map(\.bitPattern), "\(what): cut-offs", sourceLocation: sourceLocation)
        #expect(a.eventCount == b.eventCount, "\(what): event count", sourceLocation: sourceLocation)
        #expect(a.latestEventTime == b.latestEventTime, "\(what): latest event time", sourceLocation: sourceLocation)
        #expect(a.skipped.lines == b.skipped.lines, "\(what): skipped rows", sourceLocation: sourceLocation)
        #expect(Set(a.numbers.keys) == Set(b.numbers.keys), "\(what): numeric features", sourceLocation: sourceLocation)
        #expect(Set(a.texts.keys) == Set(b.texts.keys), "\(what): text features", sourceLocation: sourceLocation)
        for (index, values) in a.numbers {
            guard let other = b.numbers[index] else { continue }
            let differing = values.indices.filter { lead in
                !(values[lead] == other[lead] || (values[lead].isNaN && other[lead].isNaN))
            }
            #expect(differing.isEmpty,
                    "\(what): feature \(data.spec.features[index].name) differs for \(differing.count) leads, first \(differing.first.map(data.leadID(at:)) ?? "")",
                    sourceLocation: sourceLocation)
        }
        for (index, values) in a.texts {
            #expect(values.codes == b.texts[index]?.codes, "\(what): text feature \(index)", sourceLocation: sourceLocation)
            #expect(values.levels == b.texts[index]?.levels, "\(what): text feature \(index)", sourceLocation: sourceLocation)
        }
    }

    /// The number of (feature, lead) values that differ between `a` and `b`: sets chosen to
    /// differ must, or comparing them with one-set runs could not catch mixed-up sets.
    static func differences(_ a: RawFeatures, _ b: RawFeatures) -> Int {
        a.numbers.reduce(0) { total, entry in
            let other = b.numbers[entry.key]!
            return total + entry.value.indices.count { lead in
                !(entry.value[lead] == other[lead] || (entry.value[lead].isNaN && other[lead].isNaN))
            }
        }
    }

    /// The mini CRM's three sets: the training cut-offs with L3 as of Feb 20; L1 on Jan 16 and
    /// L3 on Feb 12 (L2 not extracted); L1 on Jan 9 at noon, before its SQL date, and L2 one
    /// second after its Jan 21 meeting (L3 not extracted).
    static func miniSets(_ data: CRMDataSet) -> [[Double]] {
        [data.cutoffs(openLeadsAsOf: seconds("2025-02-20")),
         [seconds("2025-01-16T00:00:00Z"), .nan, seconds("2025-02-12T00:00:00Z")],
         [seconds("2025-01-09T12:00:00Z"), seconds("2025-01-21T00:00:01Z"), .nan]]
    }

    @Test("mini CRM: each of three sets in one pass holds the values worked out by hand")
    func miniByHand() throws {
        let data = try MiniCRM().load()
        let raw = try FeatureExtractor.rawFeatures(data, cutoffSets: Self.miniSets(data))
        #expect(raw.count == 3)
        // Set 0, as in CRMExtractionTests.
        #expect(raw[0].number("web_visits", "L1", in: data) == 2)
        #expect(raw[0].number("since_last", "L3", in: data) == 9)
        #expect(raw[0].number("team", "L1", in: data) == 2)
        // Set 1. L1 as of Jan 16: e1 (call, Jan 2 10:00) and e4 (p2's web visit, Jan 15 noon).
        #expect(raw[1].number("web_visits", "L1", in: data) == 1)
        #expect(raw[1].number("events_7d", "L1", in: data) == 1)
        #expect(raw[1].number("since_last", "L1", in: data) == 0.5)
        #expect(raw[1].number("team", "L1", in: data) == 1)  // p2, after the SQL date of Jan 10
        #expect(raw[1].number("finance_read_fj", "L1", in: data) == 0)
        #expect(raw[1].number("speed_to_lead", "L1", in: data) == 25)
        #expect(raw[1].number("created_to_sql", "L1", in: data) == 9 - 9.0 / 24)
        #expect(abs(raw[1].number("engagement", "L1", in: data) - (exp2(-(13 + 14.0 / 24) / 7) + exp2(-0.5 / 7))) < 1e-12)
        // L3 as of Feb 12: e8 (finance download, Feb 11).
        #expect(raw[1].number("since_last", "L3", in: data) == 1)
        #expect(raw[1].number("finance_read_fj", "L3", in: data) == 1)
        #expect(raw[1].number("team", "L3", in: data) == 1)
        #expect(raw[1].number("web_visits", "L3", in: data) == 0)
        #expect(raw[1].number("touches", "L2", in: data).isNaN)
        // Set 2. L1 as of Jan 9 noon: only e1; the SQL date (the team window's anchor) is after
        // the cut-off, so the window is empty and created_to_sql is missing.
        #expect(raw[2].number("web_visits", "L1", in: data) == 0)
        #expect(abs(raw[2].number("since_last", "L1", in: data) - (7 + 2.0 / 24)) < 1e-12)
        #expect(raw[2].number("team", "L1", in: data) == 0)
        #expect(raw[2].number("created_to_sql", "L1", in: data).isNaN)
        #expect(raw[2].number("touches", "L1", in: data) == 1)
        // L2 as of one second after its second meeting (Jan 19 and Jan 21).
        #expect(raw[2].number("touches", "L2", in: data) == 2)
        #expect(raw[2].number("since_last", "L2", in: data) == 1 / day)
        #expect(raw[2].number("web_visits", "L3", in: data).isNaN)
        for set in raw {
            #expect(set.eventCount == 8)
            #expect(set.texts[1]!.value(at: 1) == "paid_ads")
        }
    }

    @Test("mini CRM: two, three and ten sets in one pass equal separate one-set runs")
    func miniEqualsSeparateRuns() throws {
        let data = try MiniCRM().load()
        let three = Self.miniSets(data)
        // Ten sets: more than the eight whose leads are tracked in a bit mask.
        let start = Self.seconds("2025-01-10T00:00:00Z")
        var ten: [[Double]] = []
        for k in 0..<10 {
            var cutoffs: [Double] = []
            for lead in 0..<data.leadCount {
                let offset = Double(k * 3 + lead) * day
                cutoffs.append((k + lead) % 4 == 0 ? .nan : start + offset)
            }
            ten.append(cutoffs)
        }
        for sets in [Array(three.prefix(2)), three, ten] {
            for threads in [1, 2] {
                let together = try FeatureExtractor.rawFeatures(data, cutoffSets: sets, threads: threads)
                #expect(together.count == sets.count)
                for (k, cutoffs) in sets.enumerated() {
                    let alone = try FeatureExtractor.rawFeatures(data, cutoffs: cutoffs, threads: threads)
                    Self.expectSame(together[k], alone, data, "\(sets.count) sets, set \(k), \(threads) threads")
                }
            }
        }
    }

    @Test("bundled CRM: two and three sets in one pass equal separate one-set runs, on 1 and 2 threads")
    func bundledEqualsSeparateRuns() throws {
        let directory = repositoryRoot.appending(path: "datasets/crm")
        let data = try CRMDataSet(spec: try FeatureSpec(contentsOf: directory.appending(path: "spec.yaml")), directory: directory)
        let latest = try Self.latestTime(inEventsOf: directory)
        let now = data.cutoffs(openLeadsAsOf: latest)
        // The scorer's trend: every lead a week earlier. Then odd leads three days before their
        // training cut-off, even leads not extracted.
        let weekEarlier = now.map { $0 - 7 * day }
        let mixed = now.indices.map { lead in lead % 2 == 1 ? now[lead] - 3 * day : .nan }
        var singles: [Int: [RawFeatures]] = [:]
        for threads in [1, 2] {
            singles[threads] = try [now, weekEarlier, mixed].map { cutoffs throws in
                try FeatureExtractor.rawFeatures(data, cutoffs: cutoffs, threads: threads)
            }
        }
        let one = singles[1]!
        #expect(one[0].eventCount == 135_829)
        #expect(Self.differences(one[0], one[1]) > 1_000)
        #expect(Self.differences(one[0], one[2]) > 1_000)
        for threads in [1, 2] {
            for sets in [[now, weekEarlier], [now, weekEarlier, mixed]] {
                let together = try FeatureExtractor.rawFeatures(data, cutoffSets: sets, threads: threads)
                #expect(together.count == sets.count)
                for k in sets.indices {
                    Self.expectSame(together[k], singles[threads]![k], data, "\(sets.count) sets, set \(k), \(threads) threads")
                    #expect(together[k].latestEventTime == latest)
                }
            }
        }
    }

    @Test("the latest event time is the file's, even when that event's lead is not extracted")
    func latestEventTime() throws {
        let crm = MiniCRM()
        let directory = try crm.write()
        let data = try CRMDataSet(spec: try FeatureSpec(contentsOf: directory.appending(path: "spec.yaml")), directory: directory)
        let latest = try Self.latestTime(inEventsOf: directory)
        #expect(latest == Self.seconds("2025-02-11T00:00:00Z"))
        // The latest event (e8) is L3's, which is open: not extracted without an as-of instant.
        let raw = try FeatureExtractor.rawFeatures(data, cutoffs: data.cutoffs(openLeadsAsOf: nil))
        #expect(raw.latestEventTime == latest)
        let none = try FeatureExtractor.rawFeatures(data, cutoffs: [Double](repeating: .nan, count: data.leadCount))
        #expect(none.latestEventTime == latest)
    }

    @Test("the latest event time is -infinity without events")
    func latestEventTimeWithoutEvents() throws {
        var crm = MiniCRM()
        crm.events = "event_id,contact_id,occurred_at,event_type,asset\n"
        let (_, empty) = try crm.raw(asOf: "2025-02-20")
        #expect(empty.eventCount == 0)
        #expect(empty.latestEventTime == -.infinity)

        crm = MiniCRM()
        crm.spec = crm.spec.components(separatedBy: "\n")
            .filter { !$0.contains("events:") && !$0.contains("event") && !$0.contains("velocity") && !$0.contains("team")
                && !$0.contains("finance_read") && !$0.contains("speed_to_lead") && !$0.contains("touches") && !$0.contains("engagement") }
            .joined(separator: "\n")
        let (data, raw) = try crm.raw(asOf: "2025-02-20")
        #expect(data.spec.tables.events == nil)
        #expect(raw.eventCount == 0)
        #expect(raw.latestEventTime == -.infinity)
        #expect(raw.number("amount", "L1", in: data) == 50000)
    }
}
