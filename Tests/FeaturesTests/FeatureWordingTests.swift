@testable import Features
import Foundation
import Testing
import TestSupport

/// Feature values in the words a sales rep reads.
struct FeatureWordingTests {
    let spec = try! FeatureSpec(text: MiniCRM().spec, file: "spec.yaml")

    func words(_ name: String, _ value: RawValue) -> String {
        spec.features.first { $0.name == name }!.words(for: value)
    }

    @Test("every kind has a default wording, and missing values read as unknown or none")
    func defaults() {
        #expect(words("amount", .number(12_500)) == "amount: 12500")
        #expect(words("amount", .number(.nan)) == "amount unknown")
        #expect(words("employees", .number(2.26)) == "employees: 2.3")
        #expect(words("source", .text("referral")) == "source: referral")
        #expect(words("source", .text(nil)) == "source unknown")
        #expect(words("industry", .text("retail")) == "industry: retail")
        #expect(words("created_to_sql", .number(3.5)) == "3.5 days from created_at to sql_at")
        #expect(words("web_visits", .number(4)) == "4 web_visit events")
        #expect(words("events_7d", .number(1)) == "1 engagement events in the last 7 days")
        #expect(words("since_last", .number(0.25)) == "last engagement event 0.25 days ago")
        #expect(words("since_last", .number(.nan)) == "no engagement events yet")
        #expect(words("engagement", .number(0.031)) == "engagement 0.031")
        #expect(words("velocity", .number(-0.5)) == "velocity -0.5")
        #expect(words("team", .number(5)) == "5 contacts engaged in the 14 days after sql_at")
        #expect(words("team", .number(1)) == "1 contact engaged in the 14 days after sql_at")
        #expect(words("finance_read_fj", .number(1)) == "a finance contact consumed financial-justification")
        #expect(words("finance_read_fj", .number(0)) == "no finance contact consumed financial-justification")
        #expect(words("speed_to_lead", .number(130.4)) == "first sales touch 130 hours after created_at")
        #expect(words("speed_to_lead", .number(.nan)) == "no sales touch yet")
        #expect(words("touches", .number(1)) == "1 sales touch")
    }

    @Test("a describe template fills in the value; an interaction names both values")
    func templatesAndInteractions() throws {
        let text = MiniCRM().spec.replacingOccurrences(
            of: "{name: team, distinct_contacts: {window: {after: sql_at, days: 14}}}",
            with: "{name: team, distinct_contacts: {window: {after: sql_at, days: 14}}, describe: \"{value} buying-team members engaged\"}")
            + "  - {name: source_by_team, interaction: [source, team]}\n"
        let spec = try FeatureSpec(text: text, file: "spec.yaml")
        let team = spec.features.first { $0.name == "team" }!
        #expect(team.describe == "{value} buying-team members engaged")
        #expect(team.words(for: .number(5)) == "5 buying-team members engaged")
        // A missing value has no number to fill in: the default wording says so.
        #expect(team.words(for: .number(.nan)) == "0 contacts engaged in the 14 days after sql_at")
        let source = spec.features.first { $0.name == "source" }!
        let pair = spec.features.first { $0.name == "source_by_team" }!
        #expect(pair.words(for: .pair(.text("partner"), .number(3)), interactionParts: (source, team))
            == "source: partner and 3 buying-team members engaged")
    }

    @Test("a template's first {value} is filled wherever it stands, after any UTF-8")
    func filling() {
        #expect(FeatureDefinition.filling("{value} members", with: "5") == "5 members")
        #expect(FeatureDefinition.filling("größe: {value} €", with: "1.5") == "größe: 1.5 €")
        #expect(FeatureDefinition.filling("ends with {value}", with: "x") == "ends with x")
        #expect(FeatureDefinition.filling("{value}", with: "") == "")
        #expect(FeatureDefinition.filling("{value} and {value}", with: "7") == "7 and {value}")
        #expect(FeatureDefinition.filling("{valu} {value", with: "7") == nil)
        #expect(FeatureDefinition.filling("{{value}}", with: "7") == "{7}")
        #expect(FeatureDefinition.filling("", with: "7") == nil)
    }

    @Test("a describe template without {value}, or with other braces, is refused with its place")
    func badTemplates() {
        for template in ["\"engaged\"", "\"{count} engaged\""] {
            let text = MiniCRM().spec.replacingOccurrences(of: "{name: touches, sales_touches: {}}",
                                                           with: "{name: touches, sales_touches: {}, describe: \(template)}")
            #expect(throws: FeatureSpecError.self) { try FeatureSpec(text: text, file: "spec.yaml") }
            do {
                _ = try FeatureSpec(text: text, file: "spec.yaml")
            } catch {
                #expect(error.description.hasPrefix("spec.yaml, line 25, column "))
                #expect(error.description.hasSuffix("at features[13] (touches).describe: a description must contain `{value}`, "
                    + "where the value goes, and no other braces, as in \"{value} buying-team members engaged\"."))
            }
        }
    }
}
