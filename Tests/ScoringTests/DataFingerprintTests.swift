import Foundation
import Scoring
import TestSupport
import Testing

struct DataFingerprintTests {
    // Expected hashes from a direct FNV-1a 64 in Python: offset basis 0xcbf29ce484222325,
    // `h = ((h ^ byte) * 0x100000001b3) mod 2^64` per byte.
    @Test func hashesTheBytesWithFNV1a64() throws {
        let fingerprint = try DataFingerprint(file: writeFile("a,b\n1,2\n", named: "tiny.csv"), rows: 1, positives: 0)
        #expect(fingerprint.file == "tiny.csv")
        #expect(fingerprint.rows == 1)
        #expect(fingerprint.positives == 0)
        #expect(fingerprint.bytes == 8)
        #expect(fingerprint.fnv1a64 == "6c1480fd529a9f01")
    }

    @Test func anEmptyFileHashesToTheOffsetBasis() throws {
        let fingerprint = try DataFingerprint(file: writeFile(""), rows: 0, positives: 0)
        #expect(fingerprint.bytes == 0)
        #expect(fingerprint.fnv1a64 == "cbf29ce484222325")
    }

    @Test func aHashWithLeadingZerosKeepsSixteenDigits() throws {
        let fingerprint = try DataFingerprint(file: writeFile("aa"), rows: 0, positives: 0)
        #expect(fingerprint.fnv1a64 == "089c4307b54596b7")
    }

    @Test("A file of several megabytes, read a megabyte at a time, hashes as its bytes do")
    func hashesALargeFileInPieces() throws {
        // Byte i is (31i + 7) mod 251, for 2.5 MiB and 3 bytes: three whole pieces and a part.
        let count: Int = (5 << 19) + 3
        let bytes: [UInt8] = (0..<count).map { (i: Int) -> UInt8 in UInt8((31 * i + 7) % 251) }
        let url = try makeTemporaryDirectory().appendingPathComponent("large.csv")
        try Data(bytes).write(to: url)
        let fingerprint = try DataFingerprint(file: url, rows: 0, positives: 0)
        #expect(fingerprint.bytes == 2_621_443)
        #expect(fingerprint.fnv1a64 == "8f0d3c06fb2e5778")
    }

    @Test func aMissingFileThrows() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("absent.csv")
        #expect(throws: (any Error).self) { try DataFingerprint(file: url, rows: 0, positives: 0) }
    }
}
