import Foundation

/// The texts written beside the CSV files: `spec.yaml` (the feature spec that fits them) and
/// `effects.json` (the true model, in the spec's feature names).
enum GeneratedSpec {
    /// Features in the spec that the true model does not use, with why they are there.
    static let harmlessFeatures: KeyValuePairs<String, String> = [
        "industry": "The company's industry: no effect of its own.",
        "region": "The company's sales region: no effect of its own.",
        "amount": "log1p(opportunity amount): larger deals are at larger companies, but the amount itself has no effect.",
        "days_mql_to_sql": "Days from MQL to SQL (missing when the lead skipped MQL, as most referrals and partner leads do): no effect.",
        "web_visits_30d": "Web visits in the 30 days before the cut-off: engagement the decayed score already holds, no effect of its own.",
        "engagement_velocity": "Engagement in the last 7 days against the 21 before: no effect of its own.",
        "sales_touches_14d": "Sales touches in the 14 days after SQL: effort follows interest, but has no effect of its own.",
        "days_since_last_visit": "Days since the last web visit: no effect of its own.",
    ]

    private static func list(_ types: [EventType]) -> String {
        "[" + types.map(\.text).joined(separator: ", ") + "]"
    }

    /// The engagement types of `engagement` and `engagement_velocity`, in case order.
    private static var engagementTypes: [EventType] {
        EventType.allCases.filter { type in CutoffFeatures.engagementWeights.contains { $0.key == type } }
    }

    /// The full text of `spec.yaml` for a run with `seed` and `leads`.
    static func yaml(seed: UInt64, leads: Int) -> String {
        let weights = CutoffFeatures.engagementWeights.filter { $0.value != 1 }
            .map { "\($0.key.text): \(formatted($0.value))" }.joined(separator: ", ")
        let touchTypes = EventType.allCases.filter(\.isSalesTouch)
        return """
            # Feature spec for the synthetic CRM export written by `propensity generate --leads \(leads) --seed \(seed)`.
            # The true model (effects.json) uses the first twelve features; the last eight have no effect.
            # leads.csv also holds `forecast_category`, which sales fill in only when a deal closes:
            # it leaks the outcome, and no feature uses it.
            version: 1
            tables:
              leads:
                file: leads.csv
                id: lead_id
                company: company_id
                outcome: outcome
                closed_at: closed_at
                amount: amount
                won_amount: final_amount
                source: source
                owner: owner_rep
                cost: acquisition_cost
              companies:
                file: companies.csv
                id: company_id
              contacts:
                file: contacts.csv
                id: contact_id
                lead: lead_id
                role: job_function
              events:
                file: events.csv
                time: occurred_at
                type: event_type
                contact: contact_id
                lead: lead_id
                asset: asset
            label:
              won: [won]
              lost: [lost]
            cutoff:
              after: sql_at
              days: \(Int(LeadSimulator.cutoffDays))
            outcome_time: [final_amount, loss_reason]
            sales_touch_types: \(list(touchTypes))
            features:
              # Breadth of the buying team: contacts engaged in the 14 days after SQL.
              - name: buying_team_14d
                distinct_contacts:
                  types: \(list(CutoffFeatures.buyingTeamTypes))
                  window: {after: sql_at, days: \(Int(LeadSimulator.cutoffDays))}
                describe: "{value} buying-team members engaged in the \(Int(LeadSimulator.cutoffDays)) days after SQL"
              # The finance contact read the financial-justification content.
              - name: finance_read_justification
                consumed: {roles: [finance], assets: [financial-justification]}
              # Hours from creation to the first sales touch; missing when never touched.
              - name: speed_to_lead
                speed_to_lead: {from: created_at}
                transform: log1p
              # Engagement with a 14-day half-life.
              - name: engagement
                decayed_engagement:
                  types: \(list(engagementTypes))
                  half_life_days: \(Int(CutoffFeatures.engagementHalfLifeDays))
                  weights: {\(weights)}
                transform: log1p
                describe: "engagement score {value} (\(Int(CutoffFeatures.engagementHalfLifeDays))-day half-life)"
              - name: employees
                numeric: companies.employees
                transform: log1p
              - name: source
                categorical: source
              - name: bant_budget
                categorical: bant_budget
              - name: bant_authority
                categorical: bant_authority
              - name: bant_need
                categorical: bant_need
              - name: bant_timeline
                categorical: bant_timeline
              - name: owner_rep
                categorical: owner_rep
              # Rep skill that differs by source.
              - name: rep_by_source
                interaction: [owner_rep, source]
              # Harmless: no effect in the true model.
              - name: industry
                categorical: companies.industry
              - name: region
                categorical: companies.region
              - name: amount
                numeric: amount
                transform: log1p
              - name: days_mql_to_sql
                days_between: [mql_at, sql_at]
              - name: web_visits_30d
                event_count: {types: [web_visit], window: {days: 30}}
              - name: engagement_velocity
                velocity: {types: \(list(engagementTypes)), recent_days: 7, earlier_days: 21}
                describe: "engagement trend {value} (last 7 days against the 21 before)"
              - name: sales_touches_14d
                sales_touches: {window: {after: sql_at, days: \(Int(LeadSimulator.cutoffDays))}}
              - name: days_since_last_visit
                days_since_last_event: {types: [web_visit]}

            """
    }

    /// A weight as YAML shows it: `3`, `0.5`.
    private static func formatted(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// The full text of `effects.json`.
    static func effectsJSON() -> String {
        struct Harmless: Encodable {
            let feature: String
            let description: String
        }
        struct Document: Encodable {
            let description: String
            let intercept: Double
            let effects: [TrueEffect]
            let harmlessFeatures: [Harmless]
        }
        let document = Document(
            description: """
                The true model of the synthetic export: logit P(won) = intercept + the sum of coefficient × column over the \
                effects, each column being the spec's feature computed as of the lead's cut-off (min(sql_at + 14 days, \
                closed_at)) from events strictly before it. Categorical levels and interactions are relative to the \
                reference level named (the most frequent one); pairs not listed have coefficient 0. Outcomes are drawn \
                from this model; truth.csv holds each closed lead's probability.
                """,
            intercept: TrueModel.intercept,
            effects: TrueModel.effects,
            harmlessFeatures: harmlessFeatures.map { Harmless(feature: $0.key, description: $0.value) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Only strings and finite numbers: encoding cannot fail.
        return String(decoding: try! encoder.encode(document), as: UTF8.self) + "\n"
    }
}
