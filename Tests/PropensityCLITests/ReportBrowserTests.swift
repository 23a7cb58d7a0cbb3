import Foundation
import TestSupport
import XCTest

/// The report opened in a real browser: Debian's headless Chromium, driven over WebDriver by
/// chromedriver, loads the file written from the bundled data with no console errors and no
/// resource fetched, draws every chart with marks of non-zero size, and takes a screenshot.
///
/// XCTest rather than Swift Testing so that it runs on its own, not beside the parallel tests:
/// a browser on this two-core machine is slow enough as it is. Needs `chromium` and
/// `chromium-driver` (`bash scripts/setup.sh` installs them); without them it fails, saying so.
final class ReportBrowserTests: XCTestCase {
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"
    static let charts = ["forest", "roc", "calibration", "lift", "score-distribution", "forecast-wins", "forecast-revenue", "source-win-rates"]
    static let window = (width: 1280, height: 1024)

    func testReportLoadsOfflineAndDrawsEveryChart() throws {
        for path in [Self.chromium, Self.chromedriver] where !FileManager.default.isExecutableFile(atPath: path) {
            XCTFail("\(path) is missing: the browser test needs Debian's chromium and chromium-driver. Run `bash scripts/setup.sh`.")
            return
        }
        let directory = try makeTemporaryDirectory()
        let report = directory.appending(path: "report.html")
        let written = try runPropensity([
            "report", "--model", repositoryRoot.appending(path: "models/crm.json").path,
            "--data", repositoryRoot.appending(path: "datasets/crm").path, "--as-of", "2025-07-01", "--out", report.path,
        ])
        XCTAssertEqual(written.status, 0, written.standardError)

        let profile = directory.appending(path: "chromium-profile").path
        let driver = try ChromeDriver(executable: Self.chromedriver, log: directory.appending(path: "chromedriver.log").path)
        defer {
            driver.stop()
            // Every process of the group is gone, the browser included (its command line names the profile).
            XCTAssertTrue(processesMentioning(profile).isEmpty, "chromium outlived the test: \(processesMentioning(profile))")
        }
        try driver.waitUntilReady(timeout: 60)
        let session = try driver.newSession(capabilities: [
            "browserName": "chrome",
            "goog:chromeOptions": [
                "binary": Self.chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=\(Self.window.width),\(Self.window.height)", "--user-data-dir=\(profile)",
                         "--hide-scrollbars"],
            ],
            "goog:loggingPrefs": ["browser": "ALL"],
        ])
        defer { try? driver.deleteSession(session) }

        try driver.navigate(session, to: report.absoluteString)
        let page = try XCTUnwrap(try driver.execute(session, script: """
            const charts = [...document.querySelectorAll('figure[data-chart]')].map(figure => {
              const svg = figure.querySelector('svg');
              const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
              const marks = svg ? [...svg.querySelectorAll('.mark')].map(m => { const b = m.getBBox(); return [b.width, b.height]; }) : [];
              return {name: figure.dataset.chart, width: box.width, height: box.height, marks: marks,
                      title: svg && svg.querySelector('title') ? svg.querySelector('title').textContent : '',
                      caption: figure.querySelector('figcaption') ? figure.querySelector('figcaption').textContent : ''};
            });
            return {readyState: document.readyState, title: document.title, charts: charts,
                    resources: performance.getEntriesByType('resource').map(e => e.name),
                    width: window.innerWidth, height: window.innerHeight, pixelRatio: window.devicePixelRatio};
            """) as? [String: Any])
        XCTAssertEqual(page["readyState"] as? String, "complete")
        XCTAssertEqual(page["title"] as? String, "Propensity report")
        XCTAssertEqual(page["resources"] as? [String], [], "the report fetched resources")

        let charts = try XCTUnwrap(page["charts"] as? [[String: Any]])
        XCTAssertEqual(charts.compactMap { $0["name"] as? String }, Self.charts)
        for chart in charts {
            let name = chart["name"] as? String ?? "?"
            XCTAssertGreaterThan(chart["width"] as? Double ?? 0, 100, "\(name): the SVG has no width")
            XCTAssertGreaterThan(chart["height"] as? Double ?? 0, 100, "\(name): the SVG has no height")
            XCTAssertFalse((chart["title"] as? String ?? "").isEmpty, "\(name): no <title>")
            XCTAssertFalse((chart["caption"] as? String ?? "").isEmpty, "\(name): no <figcaption>")
            let marks = (chart["marks"] as? [[Double]]) ?? []
            XCTAssertFalse(marks.isEmpty, "\(name): nothing drawn")
            // Every mark has extent (a horizontal interval has no height), and some have area.
            XCTAssertTrue(marks.allSatisfy { $0[0] > 0 || $0[1] > 0 }, "\(name): a mark of zero size")
            XCTAssertTrue(marks.contains { $0[0] > 0 && $0[1] > 0 }, "\(name): no mark with an area")
        }

        let severe = try driver.browserLog(session).filter { $0["level"] as? String == "SEVERE" }
        XCTAssertEqual(severe.count, 0, "browser errors: \(severe)")
        // The log is live: an error logged now is seen, so the empty log above means no errors.
        _ = try driver.execute(session, script: "console.error('propensity-probe'); return null;")
        let probe = try driver.browserLog(session)
        XCTAssertTrue(probe.contains { ($0["message"] as? String ?? "").contains("propensity-probe") }, "the browser log is not read: \(probe)")

        let png = try driver.screenshot(session)
        let screenshot = directory.appending(path: "report.png")
        try png.write(to: screenshot)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a PNG")
        func bigEndian(_ offset: Int) -> Int { png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
        let ratio = page["pixelRatio"] as? Double ?? 1
        XCTAssertEqual(bigEndian(16), Int((Double(page["width"] as? Int ?? 0) * ratio).rounded()), "PNG width")
        XCTAssertEqual(bigEndian(20), Int((Double(page["height"] as? Int ?? 0) * ratio).rounded()), "PNG height")
        XCTAssertEqual(page["width"] as? Int, Self.window.width)
        XCTAssertGreaterThan(png.count, 20_000, "the screenshot is nearly empty")
    }
}

/// The process ids whose command line contains `text`.
private func processesMentioning(_ text: String) -> [Int32] {
    let ids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? []
    return ids.filter { id in
        guard let line = FileManager.default.contents(atPath: "/proc/\(id)/cmdline") else { return false }
        return String(decoding: line, as: UTF8.self).contains(text)
    }
}

/// A chromedriver child process in a process group of its own, and a minimal WebDriver client
/// (W3C JSON over HTTP) for it.
private final class ChromeDriver {
    let pid: pid_t
    let port: Int
    private var stopped = false

    /// Starts `executable` on a free local port, its output going to `log`.
    init(executable: String, log: String) throws {
        port = try freeLocalPort()
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so that stopping it also stops the browsers it starts.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let arguments = [executable, "--port=\(port)", "--allowed-ips=127.0.0.1"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, &argv, environ)
        guard status == 0 else { throw WebDriverError("cannot start \(executable): \(String(cString: strerror(status)))") }
        pid = child
    }

    deinit { stop() }

    /// Ends chromedriver and everything in its process group: politely, then by force.
    func stop() {
        guard !stopped else { return }
        stopped = true
        kill(-pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<50 {
            if waitpid(pid, &status, WNOHANG) == pid { break }
            usleep(100_000)
        }
        kill(-pid, SIGKILL)
        _ = waitpid(pid, &status, WNOHANG)
        // The browser's own processes may take a moment to exit after the signal.
        for _ in 0..<50 where kill(-pid, 0) == 0 { usleep(100_000) }
    }

    func waitUntilReady(timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = try? request("GET", "/status", timeout: 2) as? [String: Any], status["ready"] as? Bool == true {
                return
            }
            usleep(200_000)
        }
        throw WebDriverError("chromedriver did not become ready on port \(port) within \(Int(timeout)) s")
    }

    func newSession(capabilities: [String: Any]) throws -> String {
        let value = try request("POST", "/session", ["capabilities": ["alwaysMatch": capabilities]], timeout: 120)
        guard let id = (value as? [String: Any])?["sessionId"] as? String else { throw WebDriverError("no session id in \(value ?? "nil")") }
        return id
    }

    func deleteSession(_ session: String) throws { _ = try request("DELETE", "/session/\(session)", timeout: 30) }

    func navigate(_ session: String, to url: String) throws {
        _ = try request("POST", "/session/\(session)/url", ["url": url], timeout: 120)
    }

    func execute(_ session: String, script: String) throws -> Any? {
        try request("POST", "/session/\(session)/execute/sync", ["script": script, "args": [Any]()], timeout: 120)
    }

    /// The browser's console and error log since the last call (chromedriver's log endpoint).
    func browserLog(_ session: String) throws -> [[String: Any]] {
        (try request("POST", "/session/\(session)/se/log", ["type": "browser"], timeout: 30) as? [[String: Any]]) ?? []
    }

    func screenshot(_ session: String) throws -> Data {
        guard let text = try request("GET", "/session/\(session)/screenshot", timeout: 120) as? String,
              let data = Data(base64Encoded: text) else { throw WebDriverError("the screenshot is not base64") }
        return data
    }

    /// Sends one WebDriver command and returns its `value`, or throws the error it reports.
    ///
    /// A minimal HTTP/1.1 exchange over a socket, one connection per command: FoundationNetworking
    /// rejects chromedriver's header lines, which have no space after the colon.
    private func request(_ method: String, _ path: String, _ body: [String: Any]? = nil, timeout: Double) throws -> Any? {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if body != nil { head += "Content-Type: application/json; charset=utf-8\r\n" }
        head += "Content-Length: \(payload.count)\r\n\r\n"
        let response = try exchange(Data(head.utf8) + payload, port: port, timeout: timeout)
        guard let end = response.range(of: Data("\r\n\r\n".utf8)) else {
            throw WebDriverError("\(method) \(path): no HTTP response")
        }
        let json = try JSONSerialization.jsonObject(with: response[end.upperBound...], options: [.fragmentsAllowed]) as? [String: Any]
        let value = json?["value"]
        if let failure = value as? [String: Any], let error = failure["error"] as? String {
            throw WebDriverError("\(method) \(path): \(error): \(failure["message"] as? String ?? "")")
        }
        return value is NSNull ? nil : value
    }
}

/// Sends `request` to 127.0.0.1:`port` and reads the reply: headers, then `Content-Length`
/// bytes of body (chromedriver keeps the connection open), or until the server closes it.
private func exchange(_ request: Data, port: Int, timeout: Double) throws -> Data {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw WebDriverError("socket: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    let connected = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
    guard connected else { throw WebDriverError("connect to port \(port): \(String(cString: strerror(errno)))") }
    try request.withUnsafeBytes { bytes in
        var offset = 0
        while offset < bytes.count {
            let sent = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            guard sent > 0 else { throw WebDriverError("send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }
    var reply = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        if count == 0 { break }
        guard count > 0 else { throw WebDriverError("recv: \(String(cString: strerror(errno)))") }
        reply.append(contentsOf: buffer[0..<count])
        if let end = reply.range(of: Data("\r\n\r\n".utf8)) {
            let headers = String(decoding: reply[..<end.lowerBound], as: UTF8.self).lowercased().split(separator: "\r\n")
            let length = headers.first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
            if let length, reply.count - end.upperBound >= length { break }
        }
    }
    return reply
}

private struct WebDriverError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's choice for port 0).
private func freeLocalPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw WebDriverError("socket: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw WebDriverError("bind: \(String(cString: strerror(errno)))") }
    return Int(UInt16(bigEndian: address.sin_port))
}
