import Foundation
import TestSupport
import Testing

/// Peak memory of `train` and `score` grows with leads × features, not with events: on an
/// export whose events table is 100 times longer (10 million events, the same 3,000 leads),
/// both run under a fixed address-space limit and their peak resident memory stays the same.
struct MemoryBoundTests {
    /// The address-space limit (`ulimit -v`, KiB): 640 MiB. The debug build's peak virtual size
    /// is about 530 MiB on either export (thread stacks, malloc arenas and OpenBLAS's buffers
    /// reserve far more than they use, while resident memory peaks near 110 MiB); an events
    /// table held in memory, even at 16 bytes an event, would need 160 MiB more.
    static let addressSpaceLimit = 655_360

    /// Runs `propensity` under `ulimit -v limit` with OpenBLAS on one thread and at most two
    /// malloc arenas (both would otherwise reserve more on a machine with more cores) and returns its exit status, standard
    /// output and peak resident memory in KiB (`VmHWM`, read every 20 ms while it runs).
    func runLimited(_ arguments: [String], out: URL) throws -> (status: Int32, output: String, peakKiB: Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -v \(Self.addressSpaceLimit) && exec \"$0\" \"$@\" > \"\(out.path)\"",
                             propensityExecutable.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        environment["MALLOC_ARENA_MAX"] = "2"  // glibc reserves 64 MiB per arena, up to 8 per core
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        try process.run()
        var peak = 0
        while process.isRunning {
            if let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
               let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let kib = Int(line.dropFirst(6).dropLast(3).trimmingCharacters(in: .whitespaces)) {
                peak = max(peak, kib)
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8), peak)
    }

    @Test("train and score on 10 million events run under a 640 MiB address-space limit, at the peak memory of 100 thousand")
    func tenMillionEvents() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let small = directory.appending(path: "small"), large = directory.appending(path: "large")
        try #require(try runPropensity(["generate", "--out", small.path, "--leads", "3000", "--seed", "5"]).status == 0)
        // The large export: the same leads, companies and contacts, each event 100 times.
        try FileManager.default.createDirectory(at: large, withIntermediateDirectories: true)
        for file in ["leads.csv", "companies.csv", "contacts.csv"] {
            try FileManager.default.copyItem(at: small.appending(path: file), to: large.appending(path: file))
        }
        let events = try Data(contentsOf: small.appending(path: "events.csv"))
        let headerEnd = events.firstIndex(of: 0x0A)! + 1
        FileManager.default.createFile(atPath: large.appending(path: "events.csv").path, contents: events[..<headerEnd])
        let handle = try FileHandle(forWritingTo: large.appending(path: "events.csv"))
        try handle.seekToEnd()
        for _ in 0..<100 { try handle.write(contentsOf: events[headerEnd...]) }
        try handle.close()
        let smallEvents = events[headerEnd...].count { $0 == 0x0A }
        #expect(100 * smallEvents >= 10_000_000)

        let spec = small.appending(path: "spec.yaml").path, model = directory.appending(path: "model.json").path
        var peaks: [String: Int] = [:]
        for (name, export, count) in [("small", small, smallEvents), ("large", large, 100 * smallEvents)] {
            let train = try runLimited(["train", "--spec", spec, "--data", export.path, "--l2", "1", "--threads", "2",
                                        "--out", model], out: directory.appending(path: "train-\(name).txt"))
            #expect(train.status == 0)
            #expect(train.output.contains("closed leads (of 3000 leads), with \(count) events;"))
            let score = try runLimited(["score", "--model", model, "--data", export.path, "--as-of", "2025-07-01",
                                        "--threads", "2", "--out", directory.appending(path: "scores-\(name).csv").path],
                                       out: directory.appending(path: "score-\(name).txt"))
            #expect(score.status == 0)
            #expect(score.output.hasPrefix("Scored "))
            peaks["train " + name] = train.peakKiB
            peaks["score " + name] = score.peakKiB
        }
        print("Peak resident memory (KiB) on \(smallEvents) and \(100 * smallEvents) events: \(peaks.sorted { $0.key < $1.key })")
        // 100 times the events may not add more than 10% and 16 MiB of resident memory.
        for command in ["train", "score"] {
            let (before, after) = (peaks[command + " small"]!, peaks[command + " large"]!)
            #expect(before > 0 && after <= before + before / 10 + 16_384, "\(command): \(before) KiB, then \(after) KiB")
        }
    }
}
