extension NumericBasis {
    private enum CodingKeys: String, CodingKey {
        case quantileBins, naturalSpline
    }

    /// Reads a basis in the shape `encode(to:)` writes.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) {
            guard name == "linear" else {
                throw DecodingError.dataCorruptedError(
                    in: single, debugDescription: "Unknown basis `\(name)`; expected linear, quantileBins or naturalSpline.")
            }
            self = .linear
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let bins = try container.decodeIfPresent(Int.self, forKey: .quantileBins) {
            self = .quantileBins(bins)
        } else if let knots = try container.decodeIfPresent(Int.self, forKey: .naturalSpline) {
            self = .naturalSpline(knots: knots)
        } else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath, debugDescription: "Expected linear, quantileBins or naturalSpline."))
        }
    }

    /// Writes the basis the way the spec spells it: `"linear"`, `{"quantileBins": K}` or
    /// `{"naturalSpline": K}`.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .linear:
            var single = encoder.singleValueContainer()
            try single.encode("linear")
        case .quantileBins(let bins):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(bins, forKey: .quantileBins)
        case .naturalSpline(let knots):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(knots, forKey: .naturalSpline)
        }
    }
}
