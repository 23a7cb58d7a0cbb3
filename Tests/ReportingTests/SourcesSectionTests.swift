import Analysis
import Foundation
import Reporting
import Testing

/// The report's source section, on closed leads small enough to check by hand.
struct SourcesSectionTests {
    /// referral: 3 of 4 won, each booking 1,000 and costing 100; ads: 1 of 6 won, booking 2,500,
    /// each costing 50; one ads lead has no cost.
    static func leads(withPredictions: Bool) -> [ClosedLead] {
        var leads: [ClosedLead] = []
        for k in 0..<4 {
            leads.append(ClosedLead(source: "referral", rep: "ana", won: k < 3, revenue: k < 3 ? 1000 : nil, cost: 100,
                                    probability: withPredictions ? 0.5 : nil, sample: withPredictions ? .heldOut : nil))
        }
        for k in 0..<6 {
            leads.append(ClosedLead(source: "ads <paid>", rep: "ben", won: k == 0, revenue: k == 0 ? 2500 : nil,
                                    cost: k == 5 ? nil : 50, probability: withPredictions ? 0.2 : nil,
                                    sample: withPredictions ? .heldOut : nil))
        }
        return leads
    }

    @Test("The table holds each source's figures and the total; names are escaped; the chart has a row per source")
    func table() throws {
        let analysis = SourceAnalysis(leads: Self.leads(withPredictions: false))
        let html = ReportSection.sources(analysis).html.description
        #expect(html.hasPrefix("<section id=\"sources\"><h2>Lead sources and reps</h2>"))
        #expect(html.contains("<p>10 closed SQLs, 4 won (40.0%). Win rates with 95% Wilson intervals; revenue is what won deals booked.</p>"))
        #expect(html.contains("1 closed leads have no cost; they are left out of every cost figure."))
        // referral: cost 400 over 4 leads and 3 wins; revenue per cost 3,000 / 400.
        #expect(html.contains("<td>referral</td><td class=\"num\">4</td><td class=\"num\">3</td><td class=\"num\">75.0%</td>"))
        #expect(html.contains("<td class=\"num\">3,000</td><td class=\"num\">100.00</td><td class=\"num\">133.33</td><td class=\"num\">7.5</td>"))
        // ads: cost 250 over 5 costed leads, 1 win among them.
        #expect(html.contains("<td>ads &lt;paid&gt;</td>"))
        #expect(html.contains("<td class=\"num\">2,500</td><td class=\"num\">50.00</td><td class=\"num\">250.00</td><td class=\"num\">10.0</td>"))
        #expect(!html.contains("ads <paid>"))
        let figure = try #require(html.range(of: "<figure data-chart=\"source-win-rates\">"))
        #expect(html[figure.upperBound...].components(separatedBy: "class=\"mark\"").count - 1 >= 2)
        // Without a model there is no prediction table.
        #expect(!html.contains("Observed against predicted"))
        #expect(html.contains("none is flagged") || html.contains("flagged at level"))
    }

    @Test("With a model's held-out predictions, observed against predicted wins per source")
    func predictions() throws {
        let split = ModelSplit(rule: .trainingFile, trainingLeads: 0, heldOutLeads: 10, trainedThrough: nil)
        let analysis = SourceAnalysis(leads: Self.leads(withPredictions: true), split: split)
        let html = ReportSection.sources(analysis).html.description
        #expect(html.contains("Observed against predicted wins per source, on the leads the model was not fitted on"))
        // referral: 3 won against 4 × 0.5 = 2.0 predicted.
        #expect(html.contains("<td>referral</td><td class=\"num\">4</td><td class=\"num\">3</td><td class=\"num\">2.0</td><td class=\"num\">+1.0</td>"))
    }
}
