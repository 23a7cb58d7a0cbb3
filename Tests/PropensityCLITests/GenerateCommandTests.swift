import Foundation
import TestSupport
import Testing

/// `propensity generate` as a user runs it: a real process writing real files.
struct GenerateCommandTests {
    /// Data rows of a CSV file (lines after the header).
    func rowCount(_ url: URL) throws -> Int {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count - 1
    }

    @Test("generate writes the seven files into a new folder and reports what it wrote")
    func endToEnd() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("crm/export")
        let result = try runPropensity(["generate", "--out", out.path, "--leads", "400", "--seed", "9"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError == "")  // no progress: standard error is not a terminal
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(files == ["companies.csv", "contacts.csv", "effects.json", "events.csv", "leads.csv", "spec.yaml", "truth.csv"])

        let companies = try rowCount(out.appendingPathComponent("companies.csv"))
        let contacts = try rowCount(out.appendingPathComponent("contacts.csv"))
        let leads = try rowCount(out.appendingPathComponent("leads.csv"))
        let events = try rowCount(out.appendingPathComponent("events.csv"))
        let truth = try rowCount(out.appendingPathComponent("truth.csv"))
        #expect(companies == 100 && leads == 400 && contacts >= 400 && events > 10 * leads)
        let leadsText = try String(contentsOf: out.appendingPathComponent("leads.csv"), encoding: .utf8)
        let won = leadsText.components(separatedBy: ",won,").count - 1, lost = leadsText.components(separatedBy: ",lost,").count - 1
        #expect(won + lost == truth)

        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == "Wrote \(out.path): \(companies) companies, \(contacts) contacts, \(leads) leads, \(events) events.")
        #expect(lines[1] == "Closed: \(won) won, \(lost) lost (won rate \(String(format: "%.1f%%", 100 * Double(won) / Double(truth)))); \(leads - truth) open.")
        #expect(lines[2].hasPrefix("True model AUC on the closed leads: 0."))

        // With --progress, progress goes to standard error; the files are the same.
        let again = directory.appendingPathComponent("again")
        let progress = try runPropensity(["generate", "--out", again.path, "--leads", "400", "--seed", "9", "--progress"])
        #expect(progress.status == 0)
        #expect(progress.standardError.contains("] Writing 100 companies\n"))
        #expect(progress.standardError.contains("] Wrote 400 of 400 leads, \(events) events\n"))
        for name in files {
            #expect(try Data(contentsOf: out.appendingPathComponent(name)) == Data(contentsOf: again.appendingPathComponent(name)))
        }
    }

    @Test("generate refuses to overwrite an export unless --force")
    func overwrite() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try runPropensity(["generate", "--out", directory.path, "--leads", "10"]).status == 0)
        let refused = try runPropensity(["generate", "--out", directory.path, "--leads", "20"])
        #expect(refused.status != 0)
        #expect(refused.standardError == "Error: \(directory.path) already holds `companies.csv`, `contacts.csv`, `leads.csv`, "
            + "`events.csv`, `truth.csv`, `spec.yaml`, `effects.json`. Choose another folder, or allow overwriting (--force on the command line).\n")
        #expect(try rowCount(directory.appendingPathComponent("leads.csv")) == 10)
        #expect(try runPropensity(["generate", "--out", directory.path, "--leads", "20", "--force"]).status == 0)
        #expect(try rowCount(directory.appendingPathComponent("leads.csv")) == 20)
    }

    @Test("generate --leads 0 and an empty --out are refused with the usage")
    func zeroLeads() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runPropensity(["generate", "--out", directory.path, "--leads", "0"])
        #expect(result.status == 64)
        #expect(result.standardOutput == "")
        #expect(result.standardError == """
            Error: --leads must be at least 1, not 0.
            Usage: propensity generate --out <dir> --leads <n> [--seed <s>] [--force] [--progress]
              See 'propensity generate --help' for more information.

            """)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)

        let noFolder = try runPropensity(["generate", "--out", "", "--leads", "5"])
        #expect(noFolder.status == 64)
        #expect(noFolder.standardError.hasPrefix("Error: --out must name a folder.\nUsage: propensity generate "))
    }
}
