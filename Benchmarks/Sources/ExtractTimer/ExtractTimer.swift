import ArgumentParser
import Features
import Foundation

/// Times feature extraction from a CRM export, phase by phase, and prints one JSON object:
/// reading the leads, companies and contacts; streaming the events into aggregates; fitting the
/// encodings and building the model matrix of the closed leads. `extraction_scale.sh` runs it
/// on a generated export of 1M leads.
///
///     extract-timer --spec crm/spec.yaml --data crm --threads 2 --repeats 3
@main
struct ExtractTimer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract-timer",
        abstract: "Time feature extraction from a CRM export and print JSON."
    )

    @Option(help: "The feature spec.")
    var spec: String

    @Option(help: "The folder of CRM tables.")
    var data: String

    @Option(help: "Threads (parts of the events file read at once).")
    var threads: Int = 1

    @Option(help: "Timed runs; medians are reported.")
    var repeats: Int = 3

    @Option(help: "Cut-off sets extracted in the one events pass: set k is every lead's training cut-off minus 7·k days.")
    var cutoffSets: Int = 1

    func run() throws {
        let spec = try FeatureSpec(contentsOf: URL(fileURLWithPath: spec))
        let directory = URL(fileURLWithPath: data)
        var tables: [Double] = [], events: [Double] = [], matrix: [Double] = []
        var eventCount = 0, leadCount = 0, columns = 0, rows = 0
        for _ in 0..<repeats {
            var start = Date()
            let set = try CRMDataSet(spec: spec, directory: directory)
            tables.append(Date().timeIntervalSince(start))
            start = Date()
            let cutoffs = set.cutoffs(openLeadsAsOf: nil)
            let sets = (0..<max(1, cutoffSets)).map { k in cutoffs.map { $0 - Double(7 * k) * Timestamp.secondsPerDay } }
            let raw = try FeatureExtractor.rawFeatures(set, cutoffSets: sets, threads: threads)[0]
            events.append(Date().timeIntervalSince(start))
            start = Date()
            let training = (0..<set.leadCount).filter { set.outcomes[$0].isClosed }
            let pipeline = try FeaturePipeline(spec: spec, fitting: raw, rows: training)
            let x = pipeline.matrix(raw, rows: training)
            matrix.append(Date().timeIntervalSince(start))
            (eventCount, leadCount, columns, rows) = (raw.eventCount, set.leadCount, x.columns, x.rows)
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let eventSeconds = median(events)
        let total = zip(zip(tables, events), matrix).map { $0.0 + $0.1 + $1 }
        let result: [String: Any] = [
            "threads": threads, "cutoffSets": max(1, cutoffSets), "leads": leadCount, "events": eventCount, "rows": rows, "columns": columns,
            "tablesSeconds": median(tables), "eventsSeconds": eventSeconds, "eventsSecondsMin": events.min()!, "matrixSeconds": median(matrix),
            "totalSeconds": median(total),
            "eventsPerSecond": Double(eventCount) / eventSeconds,
            "eventsPerSecondPerThread": Double(eventCount) / eventSeconds / Double(threads),
        ]
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}
