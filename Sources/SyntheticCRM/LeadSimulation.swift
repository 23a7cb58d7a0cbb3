import Foundation

/// A company as the lead simulation needs it; the rest of its row is written once, when drawn.
struct SimulatedCompany {
    let employees: Int32
    /// Latent fit with the product (standard normal): good-fit companies answer BANT better.
    let fit: Float
}

/// A member of a lead's buying team.
struct SimulatedContact {
    var function: JobFunction
    var seniority: Seniority
    /// Index into `LeadSimulator.firstNames`; -1 when the CRM has no first name.
    var firstName: Int
    /// Multiplies the rate of the contact's own events.
    var activity: Double
    /// When the contact starts evaluating (seconds since 1970).
    var joinsAt: Double
}

/// One engagement event of a lead.
struct SimulatedEvent {
    /// Seconds since 1970.
    var time: Int64
    var type: EventType
    /// Index of the contact in the lead's buying team; -1 when the event names only the lead.
    var contact: Int
    var asset: ContentAsset?
}

/// How a lead ended, as far as the export knows.
enum LeadOutcome {
    case won, lost, open
}

/// One lead: its leads.csv row, and the true probability of a win for a closed lead.
struct SimulatedLead {
    var company = 0
    var rep = 0
    var source = LeadSource.organicSearch
    var createdAt: Int64 = 0
    var mqlAt: Int64?
    var salAt: Int64?
    var sqlAt: Int64 = 0
    var budget = BANTAnswer.yes
    var authority = BANTAnswer.yes
    var need = BANTAnswer.yes
    var timeline = BANTAnswer.yes
    /// Opportunity amount, whole dollars.
    var amount = 0
    var acquisitionCostCents = 0
    var outcome = LeadOutcome.open
    var closedAt: Int64?
    var finalAmount: Int?
    var lossReason: LossReason?
    var forecastCategory: ForecastCategory?
    /// The true probability of a win as of the cut-off; set for closed leads only.
    var trueProbability: Double?
}

/// Which content a `content_download` is about.
enum AssetChoice {
    /// Nurture content, the same for everyone.
    case marketing
    /// What the contact's job function looks for while evaluating.
    case byRole
    /// Onboarding material after a win.
    case onboarding
}

/// A mixture of event types a process draws from.
struct EventMix {
    let types: [EventType]
    let weights: WeightTable
    let assets: AssetChoice

    init(_ pairs: KeyValuePairs<EventType, Double>, assets: AssetChoice = .marketing) {
        types = pairs.map(\.key)
        weights = WeightTable(pairs.map(\.value))
        self.assets = assets
    }

    static let anonymousVisits = EventMix([.webVisit: 1])
    static let nurture = EventMix([.emailOpen: 0.45, .webVisit: 0.33, .contentDownload: 0.10, .pricingPageView: 0.05,
                                   .webinarRegistered: 0.03, .webinarAttended: 0.02, .demoRequest: 0.02])
    static let colleagueNurture = EventMix([.emailOpen: 0.6, .webVisit: 0.4])
    static let evaluation = EventMix([.webVisit: 0.30, .emailOpen: 0.25, .emailReply: 0.12, .pricingPageView: 0.08,
                                      .contentDownload: 0.12, .meeting: 0.03, .demoRequest: 0.03, .webinarAttended: 0.03,
                                      .contactForm: 0.02], assets: .byRole)
    static let joining = EventMix([.webVisit: 0.45, .emailReply: 0.30, .meeting: 0.08, .contentDownload: 0.17], assets: .byRole)
    static let financeReview = EventMix([.contentDownload: 1], assets: .byRole)
    static let salesFollowUp = EventMix([.call: 0.35, .salesEmail: 0.50, .meeting: 0.15])
    static let onboarding = EventMix([.meeting: 0.25, .webVisit: 0.35, .emailOpen: 0.25, .contentDownload: 0.15], assets: .onboarding)
    static let onboardingCalls = EventMix([.call: 0.5, .meeting: 0.5])
    static let lostNurture = EventMix([.emailOpen: 1])
}

/// Simulates leads one at a time: stage timestamps, buying team, events up to the cut-off,
/// the true features and outcome, then the close and the events after the cut-off.
///
/// A lead's draws come from its own generator (`SplitMix64(seed:stream:)`), so they depend
/// only on the seed, the lead count and the lead's index.
struct LeadSimulator {
    let seed: UInt64
    let leadCount: Int
    let companies: [SimulatedCompany]
    /// The export's "now": no event, stage or close happens at or after it.
    let now: Int64
    /// The earliest SQL time: `now` minus two years.
    let firstSQL: Int64

    /// The buying team of the lead last simulated.
    private(set) var contacts: [SimulatedContact] = []
    /// The events of the lead last simulated, sorted by time, all before `now`.
    private(set) var events: [SimulatedEvent] = []
    private var rng = SplitMix64(seed: 0)
    private var sqlAt: Int64 = 0
    private var cutoff: Int64 = 0

    static let day = 86_400.0
    static let cutoffDays = 14.0
    static let firstNames = [
        "Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kate", "Liam", "Maya",
        "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe",
        "Aisha", "Bruno", "Chloe", "Diego", "Emma", "Felix", "Hannah", "Ivan", "Julia", "Kenji", "Lena", "Marco",
        "Nina", "Oscar", "Priya", "Rafael", "Sofia", "Tom", "Ursula", "Victor", "Yuki", "Lars", "Amara", "Chen",
    ]

    init(seed: UInt64, leadCount: Int, companies: [SimulatedCompany], now: Int64) {
        self.seed = seed
        self.leadCount = leadCount
        self.companies = companies
        self.now = now
        firstSQL = now - 730 * 86_400
        contacts.reserveCapacity(8)
        events.reserveCapacity(256)
    }

    /// Simulates lead `index` (0-based); its contacts and events are then in `contacts` and
    /// `events`.
    mutating func simulate(_ index: Int) -> SimulatedLead {
        rng = SplitMix64(seed: seed, stream: UInt64(index) &+ 1)
        contacts.removeAll(keepingCapacity: true)
        events.removeAll(keepingCapacity: true)
        var lead = SimulatedLead()
        let day = LeadSimulator.day

        // SQL times spread over two years with volume tripling from first to last day (a growing
        // business), in lead order: lead i falls in the i-th of N equal-probability slices of the
        // density (1 + 2x) / 2 on [0, 1), whose distribution function is (x + x²) / 2.
        let u = (Double(index) + rng.uniform()) / Double(leadCount)
        let x = (-1 + (1 + 8 * u).squareRoot()) / 2
        sqlAt = firstSQL + Int64(x * Double(now - firstSQL))
        lead.sqlAt = sqlAt
        lead.company = rng.index(below: companies.count)
        let company = companies[lead.company]
        lead.source = LeadSource(rawValue: rng.pick(LeadSource.weights))!
        lead.rep = rng.pick(SalesRep.loads)
        let interest = rng.normal()
        let fit = Double(company.fit)

        // BANT answers: an ordinal logit on interest and fit; thresholds give about
        // 45-58% yes and make yes the most frequent answer to every question.
        func answer(yesAbove: Double, noBelow: Double) -> BANTAnswer {
            let score = 0.5 * interest + 0.3 * fit + rng.logistic()
            return score > yesAbove ? .yes : (score < noBelow ? .no : .unknown)
        }
        lead.budget = answer(yesAbove: 0.1, noBelow: -1.47)
        lead.authority = answer(yesAbove: 0, noBelow: -1.28)
        lead.need = answer(yesAbove: -0.38, noBelow: -1.97)
        lead.timeline = answer(yesAbove: 0.24, noBelow: -1.28)

        // Stages, backwards from SQL. Referral and partner leads often skip marketing
        // qualification; some accepted dates were never recorded.
        let sal = Double(sqlAt) - rng.logNormal(median: 4 * day, sigma: 0.8)
        let created: Double
        if rng.bernoulli(lead.source.skipsMarketingQualification) {
            created = sal - rng.logNormal(median: 3 * day, sigma: 1.0)
        } else {
            let mql = sal - rng.logNormal(median: 1.5 * day, sigma: 0.9)
            lead.mqlAt = Int64(mql.rounded())
            created = mql - rng.logNormal(median: 6 * day, sigma: 1.0)
        }
        lead.salAt = rng.bernoulli(0.12) ? nil : Int64(sal.rounded())
        lead.createdAt = Int64(created.rounded())
        let createdAt = Double(lead.createdAt)

        let employees = Int(company.employees)
        lead.amount = max(1000, roundTo(rng.logNormal(median: 9000 * pow(Double(employees), 0.35), sigma: 0.6), 100))
        lead.acquisitionCostCents = Int((lead.source.costPerLead * rng.logNormal(median: 1, sigma: 0.35) * 100).rounded())

        // The buying team: 1 + Binomial(7, 1/2) people, 4.5 on average.
        let teamSize = 1 + (rng.next() & 0x7F).nonzeroBitCount
        for c in 0..<teamSize {
            let function = JobFunction(rawValue: rng.pick(c == 0 ? JobFunction.firstContactWeights : JobFunction.teamWeights))!
            let seniority = Seniority(rawValue: rng.pick(function == .executive ? Seniority.executiveWeights : Seniority.staffWeights))!
            let firstName = rng.bernoulli(0.08) ? -1 : rng.index(below: LeadSimulator.firstNames.count)
            let activity = exp(0.5 * interest + 0.6 * rng.normal()) * (function == .executive ? 0.6 : 1)
            let joinsAt = c == 0 ? Double(sqlAt) : Double(sqlAt) + rng.exponential(mean: 9 * day / activity)
            contacts.append(SimulatedContact(function: function, seniority: seniority, firstName: firstName,
                                             activity: activity, joinsAt: joinsAt))
        }

        // A few deals close within two weeks of SQL; for them the cut-off is the close.
        let closesEarly = rng.bernoulli(0.06)
        let earlyClose = Double(sqlAt) + day * (2 + 11 * rng.uniform())
        cutoff = closesEarly ? Int64(earlyClose.rounded()) : sqlAt + Int64(LeadSimulator.cutoffDays * day)
        let cut = Double(cutoff)

        // Before the cut-off: what led to the lead, nurture, evaluation, sales touches.
        let primary = contacts[0].activity
        process(from: createdAt - 14 * day, to: createdAt, perDay: 0.08 * primary, contact: 0, mix: .anonymousVisits)
        creationEvents(source: lead.source, createdAt: createdAt)
        process(from: createdAt, to: Double(sqlAt), perDay: 0.15 * primary, contact: 0, mix: .nurture)
        for c in 1..<teamSize where rng.bernoulli(0.25) {
            process(from: createdAt, to: Double(sqlAt), perDay: 0.06 * contacts[c].activity, contact: c, mix: .colleagueNurture)
        }
        for c in 0..<teamSize {
            // A contact joins the evaluation by doing something: a visit, a reply, a meeting.
            let joinsAt = contacts[c].joinsAt
            if joinsAt < cut { add(at: joinsAt, EventMix.joining.types[rng.pick(EventMix.joining.weights)], contact: c, assets: .byRole) }
            process(from: joinsAt, to: cut, perDay: 0.08 * contacts[c].activity, contact: c, mix: .evaluation)
            if contacts[c].function == .finance {
                process(from: joinsAt, to: cut, perDay: 0.05 * contacts[c].activity, contact: c, mix: .financeReview)
            }
        }
        let rep = SalesRep.team[lead.rep]
        let neverTouched = rng.bernoulli(0.10)
        let firstTouch = neverTouched
            ? Double(sqlAt) + (LeadSimulator.cutoffDays + 1) * day + rng.exponential(mean: 5 * day)
            : createdAt + 3600 * rng.logNormal(median: lead.source.medianHoursToFirstTouch * rep.slowness, sigma: 1.3)
        let effort = exp(0.3 * interest)
        if firstTouch < cut { addFirstTouch(at: firstTouch) }
        process(from: firstTouch, to: cut, perDay: 0.12 * effort, contact: nil, mix: .salesFollowUp)

        // The true model, on the features as the spec computes them at the cut-off.
        let features = CutoffFeatures(events: events, contacts: contacts, createdAt: lead.createdAt, sqlAt: sqlAt, cutoff: cutoff)
        let eta = TrueModel.logit(features: features, employees: employees, source: lead.source, rep: lead.rep,
                                  bant: (lead.budget, lead.authority, lead.need, lead.timeline))
        let probability = 1 / (1 + exp(-eta))
        let won = rng.uniform() < probability

        // After the cut-off: the deal goes on until it closes; won deals stay busy, lost ones fade.
        let closedAt: Int64
        if closesEarly {
            closedAt = cutoff
        } else {
            let lag = won ? rng.logNormal(median: 70 * day, sigma: 0.6) : rng.logNormal(median: 50 * day, sigma: 0.8)
            closedAt = cutoff + Int64(max(lag, 3600).rounded())
        }
        let close = Double(closedAt)
        for c in 0..<teamSize {
            let joinsAt = contacts[c].joinsAt
            if joinsAt >= cut && joinsAt < close {
                add(at: joinsAt, EventMix.joining.types[rng.pick(EventMix.joining.weights)], contact: c, assets: .byRole)
            }
            process(from: max(joinsAt, cut), to: close, perDay: 0.05 * contacts[c].activity * (won ? 0.8 : 0.25),
                    contact: c, mix: .evaluation)
        }
        if firstTouch >= cut && firstTouch < close { addFirstTouch(at: firstTouch) }
        process(from: max(firstTouch, cut), to: close, perDay: 0.06 * effort * (won ? 1.3 : 0.5), contact: nil, mix: .salesFollowUp)
        if won {
            for c in 0..<teamSize {
                process(from: close, to: close + 30 * day, perDay: 0.04 * contacts[c].activity, contact: c, mix: .onboarding)
            }
            process(from: close, to: close + 30 * day, perDay: 0.06, contact: nil, mix: .onboardingCalls)
        } else {
            process(from: close, to: close + 90 * day, perDay: 0.015, contact: 0, mix: .lostNurture)
        }

        if closedAt < now {
            lead.closedAt = closedAt
            lead.trueProbability = probability
            if won {
                lead.outcome = .won
                lead.finalAmount = max(1000, roundTo(Double(lead.amount) * exp(-0.05 + 0.12 * rng.normal()), 100))
                lead.forecastCategory = ForecastCategory(rawValue: rng.pick(ForecastCategory.wonWeights))!
            } else {
                lead.outcome = .lost
                lead.lossReason = lossReason(lead, touched: features.hoursToFirstTouch != nil)
                lead.forecastCategory = ForecastCategory(rawValue: rng.pick(ForecastCategory.lostWeights))!
            }
        }
        events.removeAll { $0.time >= now }
        events.sort { $0.time < $1.time }
        return lead
    }

    /// The loss reason sales record, leaning on what qualification already showed.
    private mutating func lossReason(_ lead: SimulatedLead, touched: Bool) -> LossReason {
        // no_budget, no_decision, competitor, timing, price, unresponsive, not_a_fit
        var weights = [0.15, 0.22, 0.20, 0.12, 0.12, 0.12, 0.07]
        if lead.budget == .no { weights[0] += 0.30 }
        if lead.timeline == .no { weights[3] += 0.25 }
        if lead.need == .no { weights[6] += 0.20 }
        if !touched { weights[5] += 0.20 }
        return LossReason(rawValue: rng.pick(WeightTable(weights)))!
    }

    /// The events that created the lead, by source: a form or download on the web, a webinar
    /// registration; trade-show cards, referrals and partner leads arrive without one.
    private mutating func creationEvents(source: LeadSource, createdAt: Double) {
        switch source {
        case .organicSearch:
            add(at: createdAt, rng.bernoulli(0.6) ? .contactForm : .contentDownload, contact: 0, assets: .marketing)
        case .paidAds:
            let draw = rng.uniform()
            add(at: createdAt, draw < 0.5 ? .contentDownload : (draw < 0.7 ? .demoRequest : .contactForm), contact: 0, assets: .marketing)
        case .webinar:
            add(at: createdAt, .webinarRegistered, contact: 0, assets: .marketing)
            if rng.bernoulli(0.7) {
                add(at: createdAt + LeadSimulator.day * (1 + 6 * rng.uniform()), .webinarAttended, contact: 0, assets: .marketing)
            }
        case .tradeMedia:
            add(at: createdAt, .contentDownload, contact: 0, assets: .marketing)
        case .tradeShow, .referral, .partner:
            break
        }
    }

    /// The first sales touch: a call or an email, to the first contact or logged on the lead.
    private mutating func addFirstTouch(at time: Double) {
        let type: EventType = rng.bernoulli(0.6) ? .call : .salesEmail
        add(at: time, type, contact: rng.bernoulli(0.85) ? 0 : -1, assets: .marketing)
    }

    /// A Poisson process of events at `perDay` events per day in [start, end), types drawn from
    /// `mix`; `contact` nil means sales' own touches, to a random team member or to no one.
    private mutating func process(from start: Double, to end: Double, perDay rate: Double, contact: Int?, mix: EventMix) {
        guard rate > 0, start < end else { return }
        let meanGap = LeadSimulator.day / rate
        var time = start
        while true {
            time += rng.exponential(mean: meanGap)
            if time >= end { return }
            let type = mix.types[rng.pick(mix.weights)]
            let who: Int
            if let contact {
                who = contact
            } else if type != .meeting && rng.bernoulli(0.15) {
                who = -1
            } else {
                who = rng.index(below: contacts.count)
            }
            add(at: time, type, contact: who, assets: mix.assets)
        }
    }

    /// Records one event at `time` (rounded to the second).
    private mutating func add(at time: Double, _ type: EventType, contact: Int, assets: AssetChoice) {
        var seconds = Int64(time.rounded())
        // No event falls exactly on the SQL instant or the cut-off, so that whether a window
        // includes its bounds cannot change any feature.
        if seconds == sqlAt || seconds == cutoff { seconds += 1 }
        var asset: ContentAsset?
        if type == .contentDownload {
            let table: WeightTable
            switch assets {
            case .marketing: table = ContentAsset.marketingWeights
            case .onboarding: table = ContentAsset.onboardingWeights
            case .byRole:
                switch contacts[contact].function {
                case .finance: table = ContentAsset.financeWeights
                case .it: table = ContentAsset.itWeights
                default: table = ContentAsset.evaluationWeights
                }
            }
            asset = ContentAsset(rawValue: rng.pick(table))!
        }
        events.append(SimulatedEvent(time: seconds, type: type, contact: contact, asset: asset))
    }
}

/// `value` rounded to the nearest multiple of `step`.
func roundTo(_ value: Double, _ step: Int) -> Int {
    Int((value / Double(step)).rounded()) * step
}
