import Foundation

/// Progress lines on standard error, for work that takes long enough to wonder about.
///
/// Lines are written only when standard error is a terminal or `--progress` was given, so
/// pipelines and logs stay quiet unless asked.
struct ProgressReporter {
    let isEnabled: Bool
    private let start = Date()

    init(forced: Bool) {
        isEnabled = forced || isatty(FileHandle.standardError.fileDescriptor) == 1
    }

    /// Writes `message`, prefixed with the seconds elapsed since the reporter was made.
    func report(_ message: @autoclosure () -> String) {
        guard isEnabled else { return }
        let line = String(format: "[%7.2fs] ", Date().timeIntervalSince(start)) + message() + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
