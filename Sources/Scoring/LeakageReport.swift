/// The leakage warnings of a training set, most suspicious first.
///
/// A column is flagged when its fill rate among closed leads differs from that among open
/// leads by at least `fillRateGap` (a `.fillRate` warning), or else when the Jensen–Shannon
/// divergence of its distributions is at least `divergenceThreshold` (a `.distribution`
/// warning); a feature is flagged when its single-feature AUC, folded to [0.5, 1], is at least
/// `aucThreshold` (a `.separation` warning). Warnings are ranked by score, then by kind in
/// that order, then by name.
///
/// The default thresholds warn rather than drop, so they are stricter than TransmogrifAI's
/// `RawFeatureFilter` settings for removing features:
/// - fill-rate gap 0.3: open leads are younger than closed ones, so fields that fill in as a
///   deal progresses are legitimately emptier for them, but rarely by 30 points;
/// - divergence 0.2: about two normal distributions 1.1 standard deviations apart, over the
///   same decile bins; an open pipeline that only drifts in time stays well below;
/// - AUC 0.9: a single normal feature whose won and lost means are 1.8 standard deviations
///   apart; whole propensity models seldom reach it, so one raw feature that does is suspect.
public struct LeakageReport: Codable, Equatable, Sendable {
    /// The warnings, most suspicious first.
    public var warnings: [LeakageWarning]

    /// Flags the columns and features beyond the thresholds.
    ///
    /// - Parameters:
    ///   - drifts: One drift per column of the leads table (from `LeakageCheck.drift`).
    ///   - featureAUCs: Each feature's single-feature AUC (from `LeakageCheck.singleFeatureAUC`);
    ///     an AUC below 0.5 counts as `1 − auc`.
    ///   - fillRateGap: The smallest fill-rate gap flagged, default 0.3, in [0, 1].
    ///   - divergenceThreshold: The smallest divergence flagged, default 0.2, in [0, 1].
    ///   - aucThreshold: The smallest folded AUC flagged, default 0.9, in [0.5, 1].
    public init(drifts: [ColumnDrift], featureAUCs: [(name: String, auc: Double)], fillRateGap: Double = 0.3,
                divergenceThreshold: Double = 0.2, aucThreshold: Double = 0.9) {
        var warnings: [LeakageWarning] = []
        for drift in drifts {
            if drift.fillRateGap >= fillRateGap {
                warnings.append(LeakageWarning(fillRateOf: drift))
            } else if drift.divergence >= divergenceThreshold {
                warnings.append(LeakageWarning(distributionOf: drift))
            }
        }
        for (name, auc) in featureAUCs {
            let folded = max(auc, 1 - auc)
            if folded >= aucThreshold { warnings.append(LeakageWarning(separationOf: name, auc: folded)) }
        }
        let kindOrder: [LeakageWarning.Kind: Int] = [.fillRate: 0, .distribution: 1, .separation: 2]
        warnings.sort {
            if $0.score != $1.score { return $0.score > $1.score }
            if $0.kind != $1.kind { return kindOrder[$0.kind]! < kindOrder[$1.kind]! }
            return $0.subject < $1.subject
        }
        self.warnings = warnings
    }
}
