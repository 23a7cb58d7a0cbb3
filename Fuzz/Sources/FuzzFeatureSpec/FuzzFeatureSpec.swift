import LibFuzzerDriver
import Features

/// Parses any bytes as a feature spec (YAML or JSON): a located `FeatureSpecError` is fine, a
/// trap or a sanitizer report is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFeatureSpec(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let spec = try FeatureSpec(text: text, file: "fuzz.yaml")
        _ = spec.features.map(\.name)
    } catch {
        _ = error.description
    }
    return 0
}

/// The program's entry point: libFuzzer's driver, calling `fuzzFeatureSpec` on each input.
@_cdecl("FuzzFeatureSpec_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzFeatureSpec(data, size) }
}
