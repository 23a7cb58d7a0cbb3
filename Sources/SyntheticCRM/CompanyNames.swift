/// The parts synthetic company names are made of: a prefix and a stem make one word
/// ("Northbridge"), followed by a word of the industry and the country's legal form.
enum CompanyNames {
    static let prefixes = [
        "North", "South", "Blue", "Silver", "Bright", "Iron", "Clear", "Summit", "Harbor", "Pine", "Red", "Granite",
        "Cedar", "Vertex", "Nova", "Atlas", "Orion", "Lumen", "Apex", "Crest", "Delta", "Ever", "Falcon", "Golden",
        "Hori", "Juniper", "Kestrel", "Maple", "Oak", "Quartz", "River", "Stone", "Terra", "West", "East", "Zen",
    ]
    static let stems = [
        "wind", "field", "bridge", "stone", "water", "gate", "point", "line", "path", "ridge", "wood", "brook",
        "haven", "crest", "vale", "mark", "light", "forge", "port", "view", "star", "side", "ford", "well",
    ]
}

extension Industry {
    /// Words a company of the industry puts in its name.
    var nameWords: [String] {
        switch self {
        case .software: ["Software", "Systems", "Labs", "Digital"]
        case .manufacturing: ["Manufacturing", "Industries", "Components", "Works"]
        case .financialServices: ["Capital", "Financial", "Bank", "Insurance"]
        case .healthcare: ["Health", "Medical", "Care", "Clinics"]
        case .retail: ["Retail", "Stores", "Brands", "Outfitters"]
        case .logistics: ["Logistics", "Freight", "Transport", "Shipping"]
        case .education: ["Learning", "Academy", "Education", "College"]
        case .energy: ["Energy", "Power", "Utilities", "Renewables"]
        case .professionalServices: ["Consulting", "Partners", "Advisory", "Group"]
        case .telecom: ["Telecom", "Networks", "Communications", "Mobile"]
        }
    }
}
