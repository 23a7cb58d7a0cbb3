import Foundation
import Scoring
import TestSupport
import Testing

struct AtomicFileTests {
    @Test func writesTheBytesAndLeavesOnlyTheDestination() throws {
        let folder = try makeTemporaryDirectory()
        let url = folder.appendingPathComponent("out.txt")
        try AtomicFile.write(Data("first version, longer\n".utf8), to: url)
        try AtomicFile.write(Data("second\n".utf8), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "second\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.txt"])
    }

    @Test("a file written in pieces appears only on commit; a discarded one leaves the old file")
    func pieces() throws {
        let folder = try makeTemporaryDirectory()
        let url = folder.appendingPathComponent("scores.csv")
        try AtomicFile.write(Data("old\n".utf8), to: url)
        let writer = try AtomicFile.Writer(url)
        try writer.append(Data("a,".utf8))
        try writer.append(Data("b\n".utf8))
        #expect(try String(contentsOf: url, encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 2)
        try writer.commit()
        writer.discard()  // a no-op after commit
        #expect(try String(contentsOf: url, encoding: .utf8) == "a,b\n")

        do {
            let abandoned = try AtomicFile.Writer(url)
            try abandoned.append(Data("partial".utf8))
        }  // released without commit: the temporary file goes, the file stays
        #expect(try String(contentsOf: url, encoding: .utf8) == "a,b\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["scores.csv"])
    }

    @Test("a write removes the temporary files of its destination whose process has ended, and no others")
    func abandonedTemporaries() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The PID of a process that has ended, as a writer killed with SIGKILL leaves it.
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let dead = ended.processIdentifier, alive = getpid()
        let names = [".model.json.\(dead).17.tmp", ".model.json.\(alive).18.tmp", ".other.json.\(dead).19.tmp",
                     ".model.json.\(dead).tmp", "model.json.\(dead).20.tmp"]
        for name in names { try Data("partial".utf8).write(to: folder.appendingPathComponent(name)) }
        try AtomicFile.write(Data("model\n".utf8), to: folder.appendingPathComponent("model.json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
                == (names.dropFirst() + ["model.json"]).sorted())
    }

    @Test func writesAnEmptyFile() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("empty")
        try AtomicFile.write(Data(), to: url)
        #expect(try Data(contentsOf: url) == Data())
    }

    @Test func aMissingFolderIsReportedWithTheOperatingSystemsReason() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("no/such/out.txt")
        let error = AtomicFileError.cannotWrite(path: url.path, reason: "No such file or directory")
        #expect(throws: error) { try AtomicFile.write(Data("x".utf8), to: url) }
        #expect(
            error.description
                == "Cannot write \(url.path): No such file or directory. "
                + "Nothing was written; check that the folder exists and is writable.")
    }
}
