import LibFuzzerDriver
import CSVParsing
import Features

/// Reads any bytes as a CSV file, and every field as a number and as a timestamp, the way the
/// tables are read: a located `CSVError` is fine, a trap or a sanitizer report is a bug.
///
/// The first byte picks the reader's buffer size (1 to 256 bytes), so that records straddle
/// refills; the rest is the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    guard let reader = try? CSVReader(bytes: bytes, name: "fuzz.csv", bufferSize: Int(data[0]) + 1) else { return 0 }
    _ = reader.header.map { reader.column(named: $0) }
    while let record = try? reader.nextRecord() {
        precondition(record.count == reader.header.count, "a record of another width than the header was returned")
        for index in 0..<record.count {
            _ = record.value(at: index)
            _ = record.double(at: index)
            _ = Timestamp.seconds(from: record[index])
        }
    }
    return 0
}

/// The program's entry point: libFuzzer's driver, calling `fuzzCSVReader` on each input.
@_cdecl("FuzzCSVReader_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzCSVReader(data, size) }
}
