/// One section of a report: an anchor, a heading and content built from this module's
/// primitives (charts' figures, tables, paragraphs).
///
/// Sections are how a report grows: anything that can say what it found as HTML can be one.
///
///     let forecast = ReportSection(id: "forecast", title: "Forecast", content: [
///         .paragraph("Expected wins next quarter: 41 (P10 33, P90 49)."),
///         IntervalChart(…).figure(caption: "…"),
///         HTMLTable(…).html,
///     ])
///     document.sections.append(forecast)
public struct ReportSection: Sendable {
    /// The anchor (`<section id>`), unique in the document: lowercase letters, digits and `-`.
    public var id: String
    /// The heading, also the table of contents entry.
    public var title: String
    /// The content under the heading.
    public var body: HTML

    public init(id: String, title: String, body: HTML) {
        precondition(!id.isEmpty && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" },
                     "A section id is lowercase letters, digits and -: `\(id)`.")
        self.id = id
        self.title = title
        self.body = body
    }

    /// A section whose body is `content`, in order.
    public init(id: String, title: String, content: [HTML]) {
        self.init(id: id, title: title, body: HTML(content))
    }

    /// The `<section>` element.
    public var html: HTML {
        .element("section", [("id", id)], [.element("h2", text: title), body])
    }
}
