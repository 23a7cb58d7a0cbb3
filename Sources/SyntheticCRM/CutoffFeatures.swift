import Foundation

/// The features of the true model, computed for one lead as of its cut-off exactly the way the
/// generated spec declares them, from the lead's events strictly before the cut-off.
struct CutoffFeatures {
    /// `buying_team_14d`: distinct contacts with a buying-team event in [sql_at, cut-off).
    var buyingTeam = 0
    /// `finance_read_justification`: a finance contact had an event on the
    /// financial-justification asset.
    var financeReadJustification = false
    /// `speed_to_lead`: hours from created_at to the first sales touch; `nil` when none.
    var hoursToFirstTouch: Double?
    /// `engagement` before its log1p: the decayed, weighted sum of engagement events.
    var decayedEngagement = 0.0

    /// Event types that show a buying-team member engaging (the spec's `buying_team_14d` types).
    static let buyingTeamTypes: [EventType] = [
        .emailReply, .webVisit, .pricingPageView, .contentDownload, .webinarAttended, .demoRequest, .contactForm, .meeting,
    ]
    /// Event types that make up the engagement score, with their weights (the spec's `engagement`).
    static let engagementWeights: KeyValuePairs<EventType, Double> = [
        .emailOpen: 0.5, .emailReply: 2, .webVisit: 1, .pricingPageView: 3, .contentDownload: 2,
        .webinarRegistered: 1, .webinarAttended: 2, .demoRequest: 4, .contactForm: 2,
    ]
    /// `buyingTeamTypes` as a lookup by `EventType.rawValue`.
    private static let isBuyingTeamType: [Bool] = EventType.allCases.map { buyingTeamTypes.contains($0) }
    /// `engagementWeights` as a lookup by `EventType.rawValue`; 0 for types not counted.
    private static let engagementWeight: [Double] = EventType.allCases.map { type in
        engagementWeights.first { $0.key == type }?.value ?? 0
    }
    /// The engagement score's half-life, in days.
    static let engagementHalfLifeDays = 14.0

    /// Computes the features of a lead created at `createdAt`, qualified at `sqlAt`, with cut-off
    /// `cutoff` (all in seconds since 1970), from its `events` in any order and its `contacts`.
    init(events: [SimulatedEvent], contacts: [SimulatedContact], createdAt: Int64, sqlAt: Int64, cutoff: Int64) {
        var teamSeen: UInt16 = 0  // at most 8 contacts
        var firstTouch: Int64?
        for event in events where event.time < cutoff {
            let type = event.type
            if type.isSalesTouch, firstTouch.map({ event.time < $0 }) ?? true {
                firstTouch = event.time
            }
            let weight = CutoffFeatures.engagementWeight[type.rawValue]
            if weight > 0 {
                let ageDays = Double(cutoff - event.time) / 86_400
                decayedEngagement += weight * pow(0.5, ageDays / CutoffFeatures.engagementHalfLifeDays)
            }
            guard event.contact >= 0 else { continue }
            if event.asset == .financialJustification && contacts[event.contact].function == .finance {
                financeReadJustification = true
            }
            if event.time >= sqlAt && CutoffFeatures.isBuyingTeamType[type.rawValue] {
                teamSeen |= 1 << UInt16(event.contact)
            }
        }
        buyingTeam = teamSeen.nonzeroBitCount
        hoursToFirstTouch = firstTouch.map { Double($0 - createdAt) / 3600 }
    }
}
