import LibFuzzerDriver
import Foundation
import Scoring

/// Loads any bytes as a model file, and a model that loads is summarized and made into a
/// scorer, as `inspect` and `score` do: a `ModelFileError` is fine, a trap or a sanitizer
/// report is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    do {
        let model = try ModelFile.decode(bytes, path: "fuzz.json")
        _ = ModelSummary.text(model)
        _ = try? CRMScorer(model: model)
    } catch {
        _ = error.description
    }
    return 0
}

/// The program's entry point: libFuzzer's driver, calling `fuzzModelFile` on each input.
@_cdecl("FuzzModelFile_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzModelFile(data, size) }
}
