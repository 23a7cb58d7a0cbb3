import Analysis
import Testing

/// The report on leads small enough to work out by hand.
struct SourceAnalysisTests {
    /// Rep x: 18 of 20 referral leads won, 2 of 20 trade-show leads, 1 of 4 webinar leads (a
    /// small cell). Rep y: one paid lead, won. Two leads without a source or rep.
    static let leads: [ClosedLead] = {
        var leads: [ClosedLead] = []
        for k in 0..<20 { leads.append(ClosedLead(source: "referral", rep: "x", won: k < 18, revenue: k < 18 ? 1000 : nil, cost: 10)) }
        for k in 0..<20 { leads.append(ClosedLead(source: "trade_show", rep: "x", won: k < 2, revenue: k < 2 ? 500 : nil, cost: 100)) }
        for k in 0..<4 { leads.append(ClosedLead(source: "webinar", rep: "x", won: k < 1, revenue: nil, cost: k < 2 ? 30 : nil)) }
        leads.append(ClosedLead(source: "paid", rep: "y", won: true, revenue: 250, cost: nil))
        leads.append(ClosedLead(source: nil, rep: nil, won: false, cost: 5))
        leads.append(ClosedLead(source: nil, rep: nil, won: true, revenue: 80, cost: 5))
        return leads
    }()

    @Test("Sources: counts, revenue and cost figures over the leads with a cost, missing sources grouped")
    func sources() throws {
        let analysis = SourceAnalysis(leads: Self.leads, settings: .init(minimumCellSize: 10))
        #expect(analysis.sources.map(\.name) == ["referral", "trade_show", "webinar", "(missing)", "paid"])
        let webinar = try #require(analysis.sources.first { $0.name == "webinar" })
        // 1 of 4 won, with no amount; costs 30 + 30 on two leads, the won one among them.
        #expect(webinar.sqls == 4 && webinar.wins == 1 && webinar.winsWithoutRevenue == 1 && webinar.revenue == 0)
        #expect(webinar.leadsWithCost == 2 && webinar.leadsWithoutCost == 2 && webinar.cost == 60)
        #expect(webinar.costPerLead == 30 && webinar.costPerWonDeal == 60 && webinar.revenuePerCost == 0)
        let paid = try #require(analysis.sources.first { $0.name == "paid" })
        #expect(paid.leadsWithCost == 0 && paid.costPerLead == nil && paid.costPerWonDeal == nil && paid.revenuePerCost == nil)
        #expect(paid.revenue == 250)
        let all = analysis.overall
        #expect(all.sqls == 47 && all.wins == 18 + 2 + 1 + 1 + 1)
        // Costs: 200 + 2000 + 60 + 10 on 44 leads; wins among them 18 + 2 + 1 + 1; their revenue 18000 + 1000 + 80.
        #expect(all.leadsWithCost == 44 && all.cost == 2270)
        #expect(all.costPerWonDeal == 2270.0 / 22 && all.revenuePerCost == 19080.0 / 2270)
        #expect(all.revenue == 18000 + 1000 + 250 + 80)
        #expect(all.interval == .wilson(successes: 23, trials: 47))
    }

    @Test("Rep × source: 2×2 tables against the rep's other sources, small cells left out, flags by adjusted p")
    func cells() throws {
        let analysis = SourceAnalysis(leads: Self.leads, settings: .init(minimumCellSize: 10))
        // x's webinar (4 leads) and y's paid lead (1) are below 10; leads without a rep form no cells.
        #expect(analysis.repSources.map { "\($0.rep)/\($0.source)" } == ["x/referral", "x/trade_show"])
        #expect(analysis.smallCells == 2 && analysis.smallCellLeads == 5)
        let referral = analysis.repSources[0], tradeShow = analysis.repSources[1]
        // x's other leads: 20 trade-show (2 won) and 4 webinar (1 won) for referral.
        #expect(referral.otherSQLs == 24 && referral.otherWins == 3 && referral.otherWinRate == 3.0 / 24)
        #expect(referral.pValue == FisherExactTest.pValue(18, 2, 3, 21))
        #expect(tradeShow.otherSQLs == 24 && tradeShow.otherWins == 19)
        let adjusted = MultipleComparisonCorrection.benjaminiHochberg.adjusted([referral.pValue!, tradeShow.pValue!])
        #expect([referral.adjustedPValue, tradeShow.adjustedPValue] == adjusted)
        #expect(referral.flag == .higher && tradeShow.flag == .lower)
        // One cell of 20 leads out of 44: nothing reaches significance with a tiny level.
        let strict = SourceAnalysis(leads: Self.leads, settings: .init(level: 1e-12, minimumCellSize: 10))
        #expect(strict.repSources.allSatisfy { $0.flag == nil && $0.adjustedPValue != nil })
    }

    @Test("Predictions: per sample, held-out first, adjusted within each table")
    func predictions() throws {
        var leads = Self.leads
        for k in leads.indices {
            leads[k].probability = 0.3
            leads[k].sample = k % 2 == 0 ? .heldOut : .training
        }
        let analysis = SourceAnalysis(leads: leads, settings: .init(minimumCellSize: 10),
                                      split: ModelSplit(rule: .closeDate, trainingLeads: 23, heldOutLeads: 24, trainedThrough: nil))
        let referral = try #require(analysis.sources.first { $0.name == "referral" })
        #expect(referral.predictions.map(\.sample) == [.heldOut, .training])
        let heldOut = try #require(referral.prediction(.heldOut))
        // Even positions 0, 2, …, 18 of the referral leads: 10 leads, 9 won (positions below 18).
        #expect(heldOut.test.leads == 10 && heldOut.test.observedWins == 9 && abs(heldOut.test.predictedWins - 3) < 1e-12)
        #expect(heldOut.flag == .higher)
        // The paid lead (position 44, held out) has no training leads.
        let paid = try #require(analysis.sources.first { $0.name == "paid" })
        #expect(paid.predictions.map(\.sample) == [.heldOut])
        let sourcesHeldOut = analysis.sources.compactMap { $0.prediction(.heldOut) }
        let adjusted = MultipleComparisonCorrection.benjaminiHochberg.adjusted(sourcesHeldOut.map(\.test.pValue))
        #expect(sourcesHeldOut.map(\.adjustedPValue) == adjusted)
    }
}
