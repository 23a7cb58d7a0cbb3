/// A feature's raw value as of a cut-off, before encoding.
public enum RawValue: Equatable, Sendable {
    /// A number; NaN when missing.
    case number(Double)
    /// A text level; `nil` when missing.
    case text(String?)
    /// The two values an interaction multiplies.
    indirect case pair(RawValue, RawValue)
}

extension FeatureDefinition {
    /// The value in words a sales rep reads, such as "5 contacts engaged in the 14 days after
    /// sql_at" or "source: referral": the spec's `describe:` template with `{value}` filled in,
    /// else the default wording of the feature's kind. Missing values read as unknown (or, for
    /// engagement, as "no … yet").
    ///
    /// - Parameter interactionParts: For an interaction, the two features it multiplies.
    public func words(for value: RawValue, interactionParts: (FeatureDefinition, FeatureDefinition)? = nil) -> String {
        if case .pair(let a, let b) = value, let (first, second) = interactionParts {
            return "\(first.words(for: a)) and \(second.words(for: b))"
        }
        if let describe, let filled = Self.formatted(value), let text = Self.filling(describe, with: filled) {
            return text
        }
        let v: Double
        switch value {
        case .text(let level):
            let column: String
            switch kind {
            case .categorical(let reference, _), .hashed(let reference, _): column = reference.column
            default: column = name
            }
            return level.map { "\(column): \($0)" } ?? "\(column) unknown"
        case .pair:
            return name
        case .number(let number):
            v = number
        }
        let shown = Self.formatted(.number(v))
        switch kind {
        case .numeric(let reference):
            return shown.map { "\(reference.column): \($0)" } ?? "\(reference.column) unknown"
        case .daysBetween(let from, let to):
            return shown.map { "\($0) days from \(from) to \(to)" } ?? "days from \(from) to \(to) unknown"
        case .eventCount(let filter, let window):
            return "\(shown ?? "0") \(Self.events(filter))\(Self.phrase(window))"
        case .daysSinceLastEvent(let filter):
            return shown.map { "last \(Self.events(filter, plural: false)) \($0) days ago" } ?? "no \(Self.events(filter)) yet"
        case .distinctContacts(let filter, let window):
            let roles = filter.roles.map { $0.joined(separator: "/") + " " } ?? ""
            return "\(shown ?? "0") \(roles)\(v == 1 ? "contact" : "contacts") engaged\(Self.phrase(window))"
        case .consumed(let filter, let window):
            let who = filter.roles.map { "a " + $0.joined(separator: "/") + " contact" } ?? "someone"
            let what = filter.assets?.joined(separator: " or ") ?? Self.events(filter)
            return v == 1 ? "\(who) consumed \(what)\(Self.phrase(window))"
                : "no \(filter.roles.map { $0.joined(separator: "/") + " contact" } ?? "one") consumed \(what)\(Self.phrase(window))"
        case .speedToLead(let from):
            return shown.map { "first sales touch \($0) hours after \(from)" } ?? "no sales touch yet"
        case .salesTouches(let window):
            return "\(shown ?? "0") sales \(v == 1 ? "touch" : "touches")\(Self.phrase(window))"
        case .decayedEngagement, .velocity, .categorical, .hashed, .interaction:
            return shown.map { "\(name) \($0)" } ?? "\(name) unknown"
        }
    }

    /// `template` with its first `{value}` replaced by `value`; `nil` when it has none. A byte
    /// search: a score file words six factors per lead, and the generic string search cost a
    /// tenth of writing it.
    static func filling(_ template: String, with value: String) -> String? {
        let marker: [UInt8] = Array("{value}".utf8)
        var template = template
        return template.withUTF8 { bytes -> String? in
            guard bytes.count >= marker.count else { return nil }
            for start in 0...(bytes.count - marker.count) where bytes[start] == marker[0] {
                guard (1..<marker.count).allSatisfy({ bytes[start + $0] == marker[$0] }) else { continue }
                return String(decoding: bytes[..<start], as: UTF8.self) + value
                    + String(decoding: bytes[(start + marker.count)...], as: UTF8.self)
            }
            return nil
        }
    }

    /// A value as reports show it (`DecimalText.readable`): whole numbers without decimals,
    /// then 1 decimal from 1 up, 2 significant digits below 1; `nil` when missing.
    static func formatted(_ value: RawValue) -> String? {
        switch value {
        case .text(let level):
            return level
        case .pair:
            return nil
        case .number(let v):
            guard !v.isNaN else { return nil }
            return DecimalText.readable(v)
        }
    }

    /// "web_visit events", or "events" when the filter names no types.
    private static func events(_ filter: EventFilter, plural: Bool = true) -> String {
        let types = filter.types.map { $0.count <= 3 ? $0.joined(separator: "/") : "engagement" } ?? "engagement"
        return plural ? "\(types) events" : "\(types) event"
    }

    private static func phrase(_ window: EventWindow?) -> String {
        switch window {
        case nil: return ""
        case .beforeCutoff(let days): return " in the last \(formatted(.number(days))!) days"
        case .after(let column, let days): return " in the \(formatted(.number(days))!) days after \(column)"
        }
    }
}
