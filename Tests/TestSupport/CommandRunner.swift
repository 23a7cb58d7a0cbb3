import Dispatch
import Foundation

/// The result of running the `propensity` executable, or another command.
public struct CommandResult: Sendable {
    public let status: Int32
    public let standardOutput: String
    public let standardError: String
}

/// The `propensity` executable SwiftPM built next to the test bundle.
public var propensityExecutable: URL {
    let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let besideRunner = bundleDirectory.appendingPathComponent("propensity")
    if FileManager.default.isExecutableFile(atPath: besideRunner.path) { return besideRunner }
    return repositoryRoot.appendingPathComponent(".build/debug/propensity")
}

/// Runs `propensity` with `arguments` in `directory`, with an 100-column terminal so help text
/// wraps the same way everywhere, `environment` added to this process's environment, and the
/// file `stdin` (if any) as its standard input.
public func runPropensity(_ arguments: [String], in directory: URL? = nil,
                          environment: [String: String] = [:], stdin: URL? = nil) throws -> CommandResult {
    try runCommand(propensityExecutable, arguments, in: directory, environment: propensityEnvironment(environment), stdin: stdin)
}

/// Runs `executable` with `arguments` and returns its status and output; `environment` is the
/// whole environment (default this process's), `stdin` a file for its standard input.
public func runCommand(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                       environment: [String: String]? = nil, stdin: URL? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if let stdin { process.standardInput = try FileHandle(forReadingFrom: stdin) }
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Standard error is read on another thread while standard output is read here, so that
    // neither pipe can fill and block the child.
    let errorData = ErrorData()
    let reading = DispatchGroup()
    DispatchQueue.global().async(group: reading) { errorData.value = err.fileHandleForReading.readDataToEndOfFile() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    reading.wait()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus,
                         standardOutput: String(decoding: outData, as: UTF8.self),
                         standardError: String(decoding: errorData.value, as: UTF8.self))
}

/// Standard error's bytes, filled by the reading thread before `runCommand` reads them.
private final class ErrorData: @unchecked Sendable {
    var value = Data()
}

/// Starts `propensity` with `arguments` and returns at once, its output discarded: for tests
/// that stop it (`kill(process.processIdentifier, SIGKILL)`) or measure it.
public func startPropensity(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
    let process = Process()
    process.executableURL = propensityExecutable
    process.arguments = arguments
    process.environment = propensityEnvironment(environment)
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}

/// This process's environment with a 100-column terminal and `extra`.
func propensityEnvironment(_ extra: [String: String]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["COLUMNS"] = "100"
    environment.merge(extra) { $1 }
    return environment
}

/// A new, empty temporary folder, inside one folder per test process that is removed when the
/// process exits (a test run makes hundreds; a crashed run leaves its folder behind).
public func makeTemporaryDirectory() throws -> URL {
    let url = testProcessFolder.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// This test process's folder of temporary folders, created on first use.
private let testProcessFolder: URL = {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("propensity-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    // By the time the process exits, the folder's global is initialized; the handler reads it.
    atexit { try? FileManager.default.removeItem(at: testProcessFolder) }
    return url
}()

/// The fields of `propensity inspect --json` that tests read.
public struct InspectReport: Decodable, Sendable {
    public let featureNames: [String]
    public let observations: Int
    public let intercept: Double
    public let coefficients: [String: Double]
    public let standardErrors: [String: Double]
    public let logLikelihood: Double
    public let nullLogLikelihood: Double
    public let aic: Double
    public let bic: Double
    public let converged: Bool
    public let iterations: Int
    public let l2: Double
    public let l1Ratio: Double?
    public let droppedFeatures: [String]?
}

/// Runs `propensity inspect MODEL --json` and decodes what it prints.
public func inspectReport(_ model: String) throws -> InspectReport {
    let result = try runPropensity(["inspect", model, "--json"])
    return try JSONDecoder().decode(InspectReport.self, from: Data(result.standardOutput.utf8))
}
