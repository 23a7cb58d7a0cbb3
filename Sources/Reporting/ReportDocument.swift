import Foundation

/// A self-contained HTML report: inline CSS, inline SVG charts, no scripts, and a
/// Content-Security-Policy that forbids every load from anywhere, so a browser opening the
/// file fetches nothing (and would refuse if a section tried).
///
///     var document = ReportDocument(title: "Propensity report", subtitle: "models/crm.json", sections: [card])
///     document.sections.append(forecastSection)
///     try AtomicFile.write(document.data, to: URL(fileURLWithPath: "report.html"))
public struct ReportDocument: Sendable {
    /// The policy in the document's `<meta http-equiv="Content-Security-Policy">`: nothing may
    /// be loaded (`default-src 'none'`), only inline styles apply, and no base URL or form
    /// target may be set.
    public static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

    /// The `<title>` and top heading.
    public var title: String
    /// Lines under the heading: what the report is of, and when.
    public var subtitle: [String]
    /// The sections, in order; a table of contents links to each.
    public var sections: [ReportSection]

    public init(title: String, subtitle: [String] = [], sections: [ReportSection] = []) {
        self.title = title
        self.subtitle = subtitle
        self.sections = sections
    }

    /// Inserts `section` after the section with id `id`, or at the end when there is none.
    public mutating func insert(_ section: ReportSection, after id: String) {
        let index = sections.firstIndex { $0.id == id }.map { $0 + 1 } ?? sections.endIndex
        sections.insert(section, at: index)
    }

    /// The document as HTML text.
    public func render() -> String {
        precondition(Set(sections.map(\.id)).count == sections.count, "Section ids must be unique.")
        let head = HTML.element("head", [
            .element("meta", [("charset", "utf-8")]),
            .element("meta", [("http-equiv", "Content-Security-Policy"), ("content", Self.contentSecurityPolicy)]),
            .element("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")]),
            .element("meta", [("name", "referrer"), ("content", "no-referrer")]),
            .element("title", text: title),
            .element("style", [HTML(trustedMarkup: Self.styleSheet)]),
        ])
        let contents = HTML.element("nav", [("aria-label", "Contents")], [
            .element("ol", sections.map { .element("li", [.element("a", [("href", "#" + $0.id)], text: $0.title)]) }),
        ])
        let header = HTML.element("header", [.element("h1", text: title)] + subtitle.map { .paragraph($0, class: "subtitle") } + [contents])
        let body = HTML.element("body", [header, .element("main", sections.map(\.html))])
        return "<!DOCTYPE html>\n" + HTML.element("html", [("lang", "en")], [head, body]).markup + "\n"
    }

    /// The document as UTF-8 bytes, to write to a file.
    public var data: Data { Data(render().utf8) }

    /// The inline style sheet: readable type, tables with numbers aligned, charts that shrink
    /// to the page.
    static let styleSheet = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0 auto;\
        max-width:1040px;padding:24px 32px;line-height:1.45;background:#fff}\
        h1{font-size:1.7em;margin:0 0 4px}h2{font-size:1.3em;border-bottom:1px solid #d0d7de;padding-bottom:4px;\
        margin-top:36px}p.subtitle{color:#57606a;margin:2px 0}nav ol{columns:2;padding-left:1.4em}\
        p.note{background:#fff8c5;border:1px solid #d4a72c;padding:8px 12px;border-radius:4px}\
        figure{margin:16px 0}figure svg{max-width:100%;height:auto;display:block}\
        figcaption{color:#57606a;font-size:.92em;margin-top:4px;max-width:760px}\
        table{border-collapse:collapse;margin:12px 0;font-size:.92em}caption{text-align:left;font-weight:600;\
        padding:4px 0}th,td{padding:3px 10px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}\
        th{background:#f6f8fa}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\
        dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dt{font-weight:600}dd{margin:0}\
        dd+dd{grid-column:2}.table-scroll{overflow-x:auto;max-width:100%}
        """
}
