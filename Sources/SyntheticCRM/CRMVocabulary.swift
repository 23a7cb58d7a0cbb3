// The words of the synthetic CRM export: industries, countries, lead sources, roles, event
// types, content assets and the rest, each with the text written to the CSV files.

/// A value written to a CSV file as a fixed word. Cases are numbered 0, 1, 2… in declaration
/// order, and `words` lists their texts in that order.
protocol CRMWord: CaseIterable, RawRepresentable where RawValue == Int {
    /// The text of each case, in case order.
    static var words: [String] { get }
}

extension CRMWord {
    /// The text written to the CSV files.
    var text: String { Self.words[rawValue] }

    /// The UTF-8 bytes of every case's text, in case order, encoded once.
    static func encodedWords() -> [[UInt8]] { words.map { Array($0.utf8) } }
}

/// A company's industry.
enum Industry: Int, CRMWord {
    case software, manufacturing, financialServices, healthcare, retail, logistics, education, energy
    case professionalServices, telecom

    static let words = ["software", "manufacturing", "financial_services", "healthcare", "retail", "logistics", "education", "energy", "professional_services", "telecom"]

    /// Relative share of companies.
    static let weights = WeightTable([0.16, 0.15, 0.11, 0.10, 0.09, 0.08, 0.06, 0.06, 0.12, 0.07])

    /// Median annual revenue per employee, in dollars.
    var revenuePerEmployee: Double {
        switch self {
        case .software: 220_000
        case .manufacturing: 250_000
        case .financialServices: 350_000
        case .healthcare: 150_000
        case .retail: 180_000
        case .logistics: 200_000
        case .education: 90_000
        case .energy: 500_000
        case .professionalServices: 160_000
        case .telecom: 400_000
        }
    }
}

/// A company's country (ISO 3166 alpha-2) and the sales region it belongs to.
enum Country: Int, CRMWord {
    case us, ca, gb, de, fr, nl, se, es, it, au, jp, sg, india, br, mx

    static let words = ["US", "CA", "GB", "DE", "FR", "NL", "SE", "ES", "IT", "AU", "JP", "SG", "IN", "BR", "MX"]

    /// Relative share of companies.
    static let weights = WeightTable([0.38, 0.05, 0.10, 0.09, 0.06, 0.04, 0.03, 0.03, 0.03,
                                      0.05, 0.04, 0.03, 0.04, 0.02, 0.01])

    /// The sales region.
    var region: Region {
        switch self {
        case .us, .ca: .northAmerica
        case .gb, .de, .fr, .nl, .se, .es, .it: .emea
        case .au, .jp, .sg, .india: .apac
        case .br, .mx: .latam
        }
    }

    /// The legal-form suffix of company names there.
    var legalForm: String {
        switch self {
        case .us, .ca: "Inc."
        case .gb, .india, .sg, .au: "Ltd"
        case .de: "GmbH"
        case .fr: "SAS"
        case .nl: "B.V."
        case .se: "AB"
        case .es, .mx: "S.L."
        case .it: "S.r.l."
        case .jp: "K.K."
        case .br: "Ltda."
        }
    }
}

/// A sales region.
enum Region: Int, CRMWord {
    case northAmerica, emea, apac, latam

    static let words = ["north_america", "emea", "apac", "latam"]
}

/// Where a lead came from. Organic search is the most frequent source, hence the reference
/// level of the `source` feature.
enum LeadSource: Int, CRMWord {
    case organicSearch, paidAds, tradeShow, webinar, referral, partner, tradeMedia

    static let words = ["organic_search", "paid_ads", "trade_show", "webinar", "referral", "partner", "trade_media"]

    /// Relative share of leads.
    static let weights = WeightTable([0.26, 0.16, 0.14, 0.12, 0.11, 0.11, 0.10])

    /// Mean cost per lead, in dollars.
    var costPerLead: Double {
        switch self {
        case .organicSearch: 60
        case .paidAds: 180
        case .tradeShow: 650
        case .webinar: 140
        case .referral: 120
        case .partner: 320
        case .tradeMedia: 260
        }
    }

    /// Median hours from lead creation to the first sales touch (trade-show cards are typed in
    /// days later; referrals are called at once).
    var medianHoursToFirstTouch: Double {
        switch self {
        case .organicSearch: 14
        case .paidAds: 20
        case .tradeShow: 60
        case .webinar: 24
        case .referral: 4
        case .partner: 10
        case .tradeMedia: 30
        }
    }

    /// Chance that the lead skipped marketing qualification (no `mql_at`).
    var skipsMarketingQualification: Double {
        switch self {
        case .referral, .partner: 0.6
        case .tradeShow: 0.25
        default: 0.08
        }
    }
}

/// An answer to a BANT qualification question.
enum BANTAnswer: Int, CRMWord {
    case yes, no, unknown

    static let words = ["yes", "no", "unknown"]
}

/// A contact's job function, the `role` of the contacts table.
enum JobFunction: Int, CRMWord {
    case finance, it, operations, executive, marketing, sales, procurement, legal, other

    static let words = ["finance", "it", "operations", "executive", "marketing", "sales", "procurement", "legal", "other"]

    /// Relative share of buying-team members after the first contact.
    static let teamWeights = WeightTable([0.15, 0.20, 0.17, 0.09, 0.11, 0.08, 0.08, 0.04, 0.08])
    /// Relative share of first contacts (the person who became the lead).
    static let firstContactWeights = WeightTable([0.08, 0.25, 0.20, 0.10, 0.16, 0.09, 0.03, 0.01, 0.08])
}

/// A contact's seniority.
enum Seniority: Int, CRMWord {
    case cLevel, vp, director, manager, individualContributor

    static let words = ["c_level", "vp", "director", "manager", "individual_contributor"]

    static let executiveWeights = WeightTable([0.6, 0.4, 0, 0, 0])
    static let staffWeights = WeightTable([0, 0.08, 0.25, 0.35, 0.32])
}

/// The type of an engagement event.
enum EventType: Int, CRMWord {
    case emailOpen, emailReply, webVisit, pricingPageView, contentDownload, webinarRegistered, webinarAttended
    case demoRequest, contactForm, call, meeting, salesEmail

    static let words = ["email_open", "email_reply", "web_visit", "pricing_page_view", "content_download", "webinar_registered", "webinar_attended", "demo_request", "contact_form", "call", "meeting", "sales_email"]

    /// Whether the event is a touch by sales (the spec's `sales_touch_types`).
    var isSalesTouch: Bool { self == .call || self == .meeting || self == .salesEmail }
}

/// A piece of content a contact can download.
enum ContentAsset: Int, CRMWord {
    case financialJustification, roiCalculator, securityWhitepaper, caseStudy, productDatasheet, onboardingGuide

    static let words = ["financial-justification", "roi-calculator", "security-whitepaper", "case-study", "product-datasheet", "onboarding-guide"]

    /// What marketing offers everyone (nurture emails, the website).
    static let marketingWeights = WeightTable([0.06, 0.16, 0.14, 0.34, 0.30, 0])
    /// What a finance contact reads while evaluating.
    static let financeWeights = WeightTable([0.55, 0.25, 0.02, 0.12, 0.06, 0])
    /// What an IT contact reads while evaluating.
    static let itWeights = WeightTable([0.03, 0.07, 0.45, 0.10, 0.35, 0])
    /// What anyone else reads while evaluating.
    static let evaluationWeights = WeightTable([0.08, 0.17, 0.10, 0.40, 0.25, 0])
    /// What new customers read after the win.
    static let onboardingWeights = WeightTable([0, 0, 0, 0, 0.4, 0.6])
}

/// Why a lost deal was lost, as sales record it after the close.
enum LossReason: Int, CRMWord {
    case noBudget, noDecision, competitor, timing, price, unresponsive, notAFit

    static let words = ["no_budget", "no_decision", "competitor", "timing", "price", "unresponsive", "not_a_fit"]
}

/// The forecast category sales set when a deal closes (the leaky column).
enum ForecastCategory: Int, CRMWord {
    case commit, bestCase, pipeline, omitted

    static let words = ["commit", "best_case", "pipeline", "omitted"]

    static let wonWeights = WeightTable([0.85, 0.12, 0.03, 0])
    static let lostWeights = WeightTable([0, 0.07, 0.15, 0.78])
}
