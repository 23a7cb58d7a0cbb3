import Foundation
import TestSupport
import Testing

/// `train` and `score` killed with SIGKILL at random moments: the file at `--out` is always
/// either the good file that was there before or the complete new one, never a part.
struct InterruptedRunTests {
    /// How many times each command is killed.
    static let kills = 50

    /// Kills `arguments` at `kills` random moments, every other one in 0…1.2× an uninterrupted
    /// run's time and the rest in 0.8…1.1× of it, around the writing of the file, putting
    /// `previous` back at `out` before each run, and checks what is at `out` after each.
    /// Returns how many runs left the previous file, how many the new one, and how many were
    /// killed while their temporary file was being written.
    func killRepeatedly(_ arguments: [String], out: URL, previous: Data, seed: UInt64)
        throws -> (kept: Int, replaced: Int, whileWriting: Int)
    {
        let environment = ["SOURCE_DATE_EPOCH": "1750000000"]
        // The faster of two complete runs: the first one of a command may be slowed by cold caches.
        var duration = Double.infinity
        for _ in 0..<2 {
            let started = Date()
            let complete = try runPropensity(arguments, environment: environment)
            duration = min(duration, Date().timeIntervalSince(started))
            try #require(complete.status == 0, "\(complete.standardError)")
        }
        let new = try Data(contentsOf: out)
        try #require(new != previous)

        var random = SeededGenerator(seed: seed)
        var kept = 0, replaced = 0, whileWriting = 0
        func temporaries() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
                .count { $0.hasPrefix(".\(out.lastPathComponent).") && $0.hasSuffix(".tmp") }
        }
        for run in 0..<Self.kills {
            try previous.write(to: out, options: .atomic)
            let process = try startPropensity(arguments, environment: environment)
            let share = run.isMultiple(of: 2) ? Double.random(in: 0...1.2, using: &random) : Double.random(in: 0.8...1.1, using: &random)
            let before = try temporaries()
            usleep(UInt32(share * duration * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if try temporaries() > before { whileWriting += 1 }
            let found = try Data(contentsOf: out)
            #expect(found == previous || found == new, "run \(run): \(found.count) bytes, neither the old nor the new file")
            if found == previous { kept += 1 } else if found == new { replaced += 1 }
        }
        // The next complete run clears the temporary files the killed ones left.
        try #require(try runPropensity(arguments, environment: environment).status == 0)
        #expect(try Data(contentsOf: out) == new)
        #expect(try temporaries() == 0)
        return (kept, replaced, whileWriting)
    }

    @Test("train killed 50 times at random moments leaves the old model or the complete new one")
    func killTrain() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = directory.appending(path: "export")
        try #require(try runPropensity(["generate", "--out", export.path, "--leads", "1500", "--seed", "11"]).status == 0)
        let spec = export.appending(path: "spec.yaml").path
        let out = directory.appending(path: "out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let model = out.appending(path: "model.json"), other = directory.appending(path: "other.json")
        try #require(try runPropensity(["train", "--spec", spec, "--data", export.path, "--l2", "10", "--out", other.path]).status == 0)
        let train = try killRepeatedly(["train", "--spec", spec, "--data", export.path, "--l2", "1", "--out", model.path],
                                       out: model, previous: Data(contentsOf: other), seed: 1)
        #expect(train.kept + train.replaced == Self.kills)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["model.json"])
        print("train killed \(Self.kills) times: the old model stayed \(train.kept) times, the new one was complete "
            + "\(train.replaced) times, \(train.whileWriting) killed while writing")
    }

    @Test("score killed 50 times at random moments leaves the old file or the complete new one")
    func killScore() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let exportURL = directory.appending(path: "export"), model = directory.appending(path: "model.json").path
        let export = exportURL.path
        try #require(try runPropensity(["generate", "--out", export, "--leads", "1500", "--seed", "11"]).status == 0)
        try #require(try runPropensity(["train", "--spec", exportURL.appending(path: "spec.yaml").path, "--data", export,
                                        "--l2", "1", "--out", model]).status == 0)
        let out = directory.appending(path: "out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let scores = out.appending(path: "scores.csv"), earlier = directory.appending(path: "earlier.csv")
        try #require(try runPropensity(["score", "--model", model, "--data", export, "--as-of", "2025-06-01",
                                        "--out", earlier.path]).status == 0)
        let score = try killRepeatedly(["score", "--model", model, "--data", export, "--as-of", "2025-07-01", "--out", scores.path],
                                       out: scores, previous: Data(contentsOf: earlier), seed: 2)
        #expect(score.kept + score.replaced == Self.kills)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["scores.csv"])
        print("score killed \(Self.kills) times: the old file stayed \(score.kept) times, the new one was complete "
            + "\(score.replaced) times, \(score.whileWriting) killed while writing")
    }
}
