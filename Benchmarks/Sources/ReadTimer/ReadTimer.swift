import ArgumentParser
import CSVParsing
import Dispatch
import Foundation
import Synchronization

/// Times reading CSV files and nothing else: every record of every file tokenized by the
/// package's CSV reader, every field's bytes touched, each file split into `--threads` parts read
/// at once (as the events pass splits the events file). The floor any command that reads the
/// same files pays; `score_scale.sh` compares `propensity score` with it. Prints one JSON object.
///
///     read-timer --threads 2 --repeats 3 crm/leads.csv crm/companies.csv crm/contacts.csv crm/events.csv
@main
struct ReadTimer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read-timer",
        abstract: "Time tokenizing CSV files with the package's reader and print JSON."
    )

    @Option(help: "Parts of each file read at once.")
    var threads: Int = 1

    @Option(help: "Timed runs; the median is reported.")
    var repeats: Int = 3

    @Argument(help: "The CSV files.")
    var files: [String]

    func run() throws {
        var times: [Double] = []
        var records = 0, bytes = 0
        for _ in 0..<repeats {
            let start = Date()
            records = 0
            bytes = 0
            for file in files {
                let readers = try CSVReader.parts(of: URL(fileURLWithPath: file), count: threads)
                let totals = Mutex((records: 0, bytes: 0))
                let shared = readers.map(Owned.init)
                DispatchQueue.concurrentPerform(iterations: shared.count) { k in
                    var count = 0, length = 0
                    try? shared[k].reader.forEachRecordView { record in
                        count += 1
                        for field in 0..<record.count { length &+= record.withBytes(at: field) { $0.count } }
                    }
                    totals.withLock { $0.records += count; $0.bytes += length }
                }
                let (r, b) = totals.withLock { ($0.records, $0.bytes) }
                records += r
                bytes += b
            }
            times.append(Date().timeIntervalSince(start))
        }
        let median = times.sorted()[times.count / 2]
        print("{\"threads\": \(threads), \"records\": \(records), \"fieldBytes\": \(bytes), "
            + "\"seconds\": \(String(format: "%.3f", median)), \"runs\": [\(times.map { String(format: "%.3f", $0) }.joined(separator: ", "))]}")
    }

    /// A reader used by exactly one thread.
    struct Owned: @unchecked Sendable {
        let reader: CSVReader
    }
}
