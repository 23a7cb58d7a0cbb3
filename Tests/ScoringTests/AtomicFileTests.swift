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
