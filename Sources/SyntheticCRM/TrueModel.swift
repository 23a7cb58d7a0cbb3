import Foundation

/// A sales rep who owns leads: the handle written to `owner_rep`, the share of leads they
/// own, how fast they reach new leads, and their skill.
struct SalesRep {
    let handle: String
    /// Relative share of leads owned.
    let load: Double
    /// Multiplies the source's median hours to the first touch.
    let slowness: Double

    /// The team. The first rep, who owns the most leads, is the reference level of `owner_rep`.
    static let team: [SalesRep] = [
        SalesRep(handle: "j.okafor", load: 0.12, slowness: 1.0),
        SalesRep(handle: "a.moreno", load: 0.0587, slowness: 0.6),
        SalesRep(handle: "m.tanaka", load: 0.0587, slowness: 1.4),
        SalesRep(handle: "s.berg", load: 0.0587, slowness: 0.8),
        SalesRep(handle: "l.dubois", load: 0.0587, slowness: 1.2),
        SalesRep(handle: "r.silva", load: 0.0587, slowness: 1.0),
        SalesRep(handle: "k.novak", load: 0.0587, slowness: 2.0),
        SalesRep(handle: "d.hughes", load: 0.0587, slowness: 0.9),
        SalesRep(handle: "p.iyer", load: 0.0587, slowness: 0.5),
        SalesRep(handle: "e.larsen", load: 0.0587, slowness: 1.6),
        SalesRep(handle: "t.nguyen", load: 0.0587, slowness: 1.0),
        SalesRep(handle: "c.romero", load: 0.0587, slowness: 2.5),
        SalesRep(handle: "h.weber", load: 0.0587, slowness: 0.7),
        SalesRep(handle: "n.costa", load: 0.0587, slowness: 1.1),
        SalesRep(handle: "b.adeyemi", load: 0.0587, slowness: 0.9),
        SalesRep(handle: "f.rossi", load: 0.0587, slowness: 1.3),
    ]
    static let loads = WeightTable(team.map(\.load))
}

/// One term of the true model, as `effects.json` lists it.
struct TrueEffect: Encodable {
    /// The spec feature the term belongs to.
    let feature: String
    /// The output column of that feature the coefficient multiplies (`source=referral`).
    let column: String
    /// The reference level, for categorical features and interactions of them.
    let reference: String?
    /// The true coefficient, on the column's scale.
    let coefficient: Double
    /// What the term means, in a sentence.
    let description: String
}

/// The true outcome model of the synthetic CRM:
/// `logit P(won) = intercept + Σ coefficient · column`, the columns being the spec's features
/// computed as of the lead's cut-off.
enum TrueModel {
    static let intercept = -1.55

    static let buyingTeamPerMember = 0.18
    static let financeReadJustification = 0.45
    /// Per unit of log1p(hours from created_at to the first sales touch).
    static let speedToLeadPerLogHour = -0.22
    /// A lead never touched before its cut-off, relative to one touched at once (0 hours).
    static let neverTouched = -1.6
    /// Per unit of log1p(decayed engagement).
    static let engagementPerLogUnit = 0.35
    /// Per unit of log1p(employees).
    static let employeesPerLogUnit = 0.12

    /// Per source, relative to organic search (in `LeadSource` case order).
    static let source: [Double] = [0, -0.45, -0.10, 0.15, 0.75, 0.40, -0.25]
    /// Per BANT answer (yes, no, unknown), relative to yes.
    static let budget: [Double] = [0, -0.80, -0.30]
    static let authority: [Double] = [0, -0.55, -0.25]
    static let need: [Double] = [0, -1.00, -0.40]
    static let timeline: [Double] = [0, -0.60, -0.20]
    /// Per rep (in `SalesRep.team` order), relative to the first.
    static let rep: [Double] = [0, 0.30, -0.10, 0.20, 0.10, 0.05, -0.25, 0.15, 0.35, -0.15, 0.05, -0.30, 0.25, -0.05, 0.10, -0.20]
    /// Reps who do much better or worse with one source than their own and the source's main
    /// effects say; every other rep-source pair has no interaction.
    static let repBySource: [(rep: Int, source: LeadSource, coefficient: Double, note: String)] = [
        (2, .tradeShow, 0.70, "works trade-show leads far better than other leads"),
        (3, .referral, 0.60, "turns referrals into wins far more often than other reps"),
        (4, .paidAds, -0.60, "rarely wins paid-ads leads"),
        (1, .partner, 0.55, "closes partner leads especially well"),
        (5, .webinar, -0.50, "rarely wins webinar leads"),
        (6, .tradeMedia, 0.50, "does well with trade-media leads, unlike other leads"),
    ]

    /// The log-odds of a win for a lead with these features.
    static func logit(features: CutoffFeatures, employees: Int, source: LeadSource, rep: Int,
                      bant: (budget: BANTAnswer, authority: BANTAnswer, need: BANTAnswer, timeline: BANTAnswer)) -> Double {
        var eta = intercept
        eta += buyingTeamPerMember * Double(features.buyingTeam)
        if features.financeReadJustification { eta += financeReadJustification }
        if let hours = features.hoursToFirstTouch {
            eta += speedToLeadPerLogHour * log1p(hours)
        } else {
            eta += neverTouched
        }
        eta += engagementPerLogUnit * log1p(features.decayedEngagement)
        eta += employeesPerLogUnit * log1p(Double(employees))
        eta += TrueModel.source[source.rawValue]
        eta += TrueModel.budget[bant.budget.rawValue] + TrueModel.authority[bant.authority.rawValue]
        eta += TrueModel.need[bant.need.rawValue] + TrueModel.timeline[bant.timeline.rawValue]
        eta += TrueModel.rep[rep]
        for term in repBySource where term.rep == rep && term.source == source { eta += term.coefficient }
        return eta
    }

    /// Every term, as `effects.json` lists them.
    static var effects: [TrueEffect] {
        var effects = [
            TrueEffect(feature: "buying_team_14d", column: "buying_team_14d", reference: nil, coefficient: buyingTeamPerMember,
                       description: "Each buying-team member engaged in the 14 days after SQL adds 0.18 to the log-odds: five members instead of two multiply the odds by 1.7."),
            TrueEffect(feature: "finance_read_justification", column: "finance_read_justification", reference: nil,
                       coefficient: financeReadJustification,
                       description: "A finance contact who read the financial-justification content multiplies the odds by 1.57."),
            TrueEffect(feature: "speed_to_lead", column: "speed_to_lead", reference: nil, coefficient: speedToLeadPerLogHour,
                       description: "Slower first touches lose: per unit of log1p(hours from creation to the first sales touch), -0.22; a touch after 1 day instead of 1 hour costs 0.56."),
            TrueEffect(feature: "speed_to_lead", column: "speed_to_lead:missing", reference: nil, coefficient: neverTouched,
                       description: "A lead no one touched before its cut-off: -1.6 against a touch at 0 hours. A fit that imputes the median puts -1.6 + 0.22 × median log1p(hours) on the indicator column (about -0.9 on these data): still negative."),
            TrueEffect(feature: "engagement", column: "engagement", reference: nil, coefficient: engagementPerLogUnit,
                       description: "Recent engagement helps: per unit of log1p(decayed engagement, half-life 14 days), +0.35."),
            TrueEffect(feature: "employees", column: "employees", reference: nil, coefficient: employeesPerLogUnit,
                       description: "Larger companies close more often: per unit of log1p(employees), +0.12."),
        ]
        for source in LeadSource.allCases where source != .organicSearch {
            let c = TrueModel.source[source.rawValue]
            effects.append(TrueEffect(feature: "source", column: "source=\(source.text)", reference: LeadSource.organicSearch.text,
                                      coefficient: c, description: "\(source.text) leads, against organic search: \(signed(c))."))
        }
        let bant: [(String, [Double], String)] = [
            ("bant_budget", budget, "budget"), ("bant_authority", authority, "authority"),
            ("bant_need", need, "need"), ("bant_timeline", timeline, "timeline"),
        ]
        for (feature, coefficients, word) in bant {
            for answer in [BANTAnswer.no, .unknown] {
                let c = coefficients[answer.rawValue]
                effects.append(TrueEffect(feature: feature, column: "\(feature)=\(answer.text)", reference: BANTAnswer.yes.text,
                                          coefficient: c, description: "BANT \(word) answered \(answer.text), against yes: \(signed(c))."))
            }
        }
        let reference = SalesRep.team[0].handle
        for (i, rep) in SalesRep.team.enumerated() where i > 0 {
            let c = TrueModel.rep[i]
            effects.append(TrueEffect(feature: "owner_rep", column: "owner_rep=\(rep.handle)", reference: reference, coefficient: c,
                                      description: "Rep \(rep.handle) on organic-search leads, against \(reference): \(signed(c))."))
        }
        for term in repBySource {
            let handle = SalesRep.team[term.rep].handle
            effects.append(TrueEffect(
                feature: "rep_by_source", column: "owner_rep=\(handle)*source=\(term.source.text)",
                reference: "\(reference), \(LeadSource.organicSearch.text)", coefficient: term.coefficient,
                description: "\(handle) \(term.note): \(signed(term.coefficient)) beyond the rep's and the source's own effects (every other rep-source pair: 0)."))
        }
        return effects
    }

    private static func signed(_ value: Double) -> String {
        value == 0 ? "0" : (value > 0 ? "+" : "") + "\(value)"
    }
}
