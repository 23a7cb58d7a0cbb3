import Reporting
import Testing

/// User data (feature names, levels, lead ids) cannot break out of text or attributes.
struct HTMLEscapingTests {
    static let hostile = #"<script>alert("x")</script> & 'y' <img src=x onerror=1>"#
    static let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; &lt;img src=x onerror=1&gt;"

    @Test("Text and attribute values escape the five special characters")
    func escaping() {
        #expect(HTML(text: Self.hostile).markup == Self.escaped)
        #expect(HTML.element("td", [("title", Self.hostile)], text: Self.hostile).markup
            == "<td title=\"\(Self.escaped)\">\(Self.escaped)</td>")
        #expect(HTML(text: "a\u{0}b\u{1B}c\td\ne").markup == "a\u{FFFD}b\u{FFFD}c\td\ne")
        #expect(HTML(text: "Ünïcödé → ✓ 🚀").markup == "Ünïcödé → ✓ 🚀")
        #expect(HTML.element("meta", [("charset", "utf-8")]).markup == "<meta charset=\"utf-8\">")
    }

    @Test("Feature names and lead values reach charts and tables escaped")
    func userDataInCharts() {
        let table = HTMLTable(columns: [.init("Lead"), .init("Probability", numeric: true)], rows: [[Self.hostile, "12.5%"]],
                              caption: "Top & bottom")
        #expect(table.html.markup == "<div class=\"table-scroll\"><table><caption>Top &amp; bottom</caption><thead><tr>"
            + "<th scope=\"col\">Lead</th><th class=\"num\" scope=\"col\">Probability</th></tr></thead><tbody><tr>"
            + "<td>\(Self.escaped)</td><td class=\"num\">12.5%</td></tr></tbody></table></div>")
        let chart = IntervalChart(name: "forest", title: Self.hostile, summary: Self.hostile,
                                  x: ChartAxis(title: Self.hostile, covering: [-1, 1]),
                                  rows: [.init(label: Self.hostile, low: -1, estimate: 0, high: 1, group: "source=\"<b>\"")])
        let markup = chart.figure(caption: Self.hostile).markup
        #expect(!markup.contains("<script") && !markup.contains("<img") && !markup.contains("<b>"))
        #expect(markup.components(separatedBy: Self.escaped).count - 1 == 6)  // title, desc, axis, label, tooltip start, caption
        #expect(markup.contains(">source=&quot;&lt;b&gt;&quot;</text>"))
    }

    @Test("The document: doctype, CSP forbidding every load, escaped title, a contents list, sections in order, no script")
    func document() {
        var document = ReportDocument(title: "Report <1>", subtitle: ["of " + Self.hostile], sections: [
            ReportSection(id: "first", title: "First & foremost", content: [.paragraph("one")]),
            ReportSection(id: "third", title: "Third", content: [.paragraph("three")]),
        ])
        document.insert(ReportSection(id: "second", title: "Second", content: [.paragraph("two")]), after: "first")
        document.insert(ReportSection(id: "last", title: "Last", content: []), after: "no-such-section")
        #expect(document.sections.map(\.id) == ["first", "second", "third", "last"])
        let html = document.render()
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" "
            + "content=\"default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; base-uri &#39;none&#39;; form-action &#39;none&#39;\">"))
        #expect(html.contains("<title>Report &lt;1&gt;</title>"))
        #expect(html.contains("<p class=\"subtitle\">of \(Self.escaped)</p>"))
        #expect(html.contains("<nav aria-label=\"Contents\"><ol><li><a href=\"#first\">First &amp; foremost</a></li><li><a href=\"#second\">Second</a></li>"))
        let order = ["<section id=\"first\">", "<section id=\"second\">", "<section id=\"third\">", "<section id=\"last\">"]
            .map { html.range(of: $0)!.lowerBound }
        #expect(order == order.sorted())
        #expect(!html.contains("<script") && !html.contains("<link"))
        #expect(html.hasSuffix("</main></body></html>\n"))
    }
}
