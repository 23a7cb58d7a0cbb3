import Foundation
import Reporting
import Testing

/// Where charts draw: data at a tick's value lands on that tick's gridline, bars are as tall as
/// their values, and degenerate inputs still give well-formed SVG without NaN.
struct ChartGeometryTests {
    static func unitAxis(_ title: String) -> ChartAxis { ChartAxis(title: title, scale: NiceScale(lower: 0, upper: 1)) }

    /// No number in the markup is NaN or infinite.
    static func isFinite(_ markup: String) -> Bool {
        !markup.contains("NaN") && !markup.contains("nan") && !markup.lowercased().contains("inf")
    }

    @Test("A line chart puts each point where the gridlines of its values cross")
    func lineChartPoints() throws {
        let chart = LineChart(name: "roc", title: "ROC", summary: "s", x: Self.unitAxis("x"), y: Self.unitAxis("y"),
                              series: [.init(name: "m", points: [(0, 0), (0.2, 0.6), (0.4, 0.8), (1, 1)], showsPoints: true)],
                              diagonal: "chance")
        let svg = SVGMarkup(chart.svg().markup)
        let xs = svg.verticalGridX, ys = svg.horizontalGridY
        #expect(xs.count == 6 && ys.count == 6)  // ticks 0, 0.2, …, 1
        #expect(xs == xs.sorted() && ys == ys.sorted(by: >))  // x grows to the right, y upwards
        let dots = svg.all("circle")
        #expect(dots.map { $0.number("cx")! } == [xs[0], xs[1], xs[2], xs[5]])
        #expect(dots.map { $0.number("cy")! } == [ys[0], ys[3], ys[4], ys[5]])
        let path = try #require(svg.all("path").first?.attributes["d"])
        #expect(path == "M\(xs[0].text) \(ys[0].text) L\(xs[1].text) \(ys[3].text) L\(xs[2].text) \(ys[4].text) L\(xs[5].text) \(ys[5].text)")
        // The dashed diagonal runs from (0, 0) to (1, 1).
        let diagonal = try #require(svg.all("line").first { $0.attributes["stroke-dasharray"] != nil && $0.number("x1") != $0.number("x2") && $0.number("y1") != $0.number("y2") })
        #expect(diagonal.number("x1") == xs[0] && diagonal.number("y1") == ys[0] && diagonal.number("x2") == xs[5] && diagonal.number("y2") == ys[5])
        #expect(svg.marks.count == 5)
    }

    @Test("Bars start at zero and are as tall as their values")
    func barHeights() throws {
        let chart = BarChart(name: "lift", title: "Lift", summary: "s", categoryTitle: "Decile",
                             y: ChartAxis(title: "Lift", covering: [2, 1, 0.5], includingZero: true),
                             bars: [.init(label: "1", value: 2), .init(label: "2", value: 1), .init(label: "3", value: 0.5),
                                    .init(label: "4", value: 0), .init(label: "5", value: .nan)],
                             reference: (1, "random"))
        let svg = SVGMarkup(chart.svg().markup)
        let ys = svg.horizontalGridY  // ticks 0, 0.5, …, 2
        #expect(ys.count == 5)
        let bars = svg.all("rect")
        #expect(bars.count == 3)  // no bar for 0 or NaN
        let bottoms = bars.map { $0.number("y")! + $0.number("height")! }
        #expect(bottoms.allSatisfy { abs($0 - ys[0]) < 0.011 })
        #expect(bars.map { $0.number("y")! } == [ys[4], ys[2], ys[1]])
        let heights = bars.map { $0.number("height")! }
        #expect(abs(heights[0] - 2 * heights[1]) < 0.03 && abs(heights[1] - 2 * heights[2]) < 0.03)
        let reference = try #require(svg.all("line").first { $0.attributes["stroke-dasharray"] != nil })
        #expect(reference.number("y1") == ys[2])
        #expect(Self.isFinite(chart.svg().markup))
        // Category labels sit under the middle of their bars.
        let labels = svg.all("text").filter { $0.attributes["text-anchor"] == "middle" && $0.attributes["transform"] == nil }.prefix(3).map { $0.number("x")! }
        #expect(zip(bars, labels).allSatisfy { bar, x in abs(bar.number("x")! + bar.number("width")! / 2 - x) < 0.011 })
    }

    @Test("Degenerate inputs: no points, one point, all-equal values, a single bin, zero counts, equal ends")
    func degenerate() {
        let empty = LineChart(name: "a", title: "t", summary: "s", x: ChartAxis(title: "x", covering: []),
                              y: ChartAxis(title: "y", covering: [3, 3, 3]),
                              series: [.init(name: "m", points: [(3, 3)], showsPoints: true), .init(name: "n", points: [])])
        let oneBin = Histogram(name: "b", title: "t", summary: "s", x: ChartAxis(title: "x", domain: 5...5, ticks: [5]),
                               y: ChartAxis(title: "n", covering: [4], includingZero: true),
                               bins: [.init(lower: 4.5, upper: 5.5, count: 4)], markers: [.init(value: .nan, label: "m")])
        let zeros = Histogram(name: "c", title: "t", summary: "s", x: ChartAxis(title: "x", covering: [0, 100]),
                              y: ChartAxis(title: "n", covering: [0, 0], includingZero: true),
                              bins: (0..<10).map { .init(lower: Double($0 * 10), upper: Double($0 * 10 + 10), count: 0) })
        let flat = IntervalChart(name: "d", title: "t", summary: "s", x: ChartAxis(title: "x", covering: [0, 0, 0]),
                                 rows: [.init(label: "p", low: 0, estimate: 0, high: 0), .init(label: "q", low: .nan, estimate: 1, high: 2)])
        let noBars = BarChart(name: "e", title: "t", summary: "s", categoryTitle: "c", y: ChartAxis(title: "y", covering: []), bars: [])
        for chart in [empty, oneBin, zeros, flat, noBars] as [any Chart] {
            let markup = chart.svg().markup
            #expect(Self.isFinite(markup), "\(chart.name): \(markup)")
            #expect(markup.hasPrefix("<svg ") && markup.hasSuffix("</svg>"))
        }
        #expect(SVGMarkup(empty.svg().markup).marks.count == 1)  // the single point's dot; no line
        #expect(SVGMarkup(oneBin.svg().markup).all("rect").count == 1)
        #expect(SVGMarkup(zeros.svg().markup).marks.isEmpty)
        #expect(SVGMarkup(flat.svg().markup).marks.count == 1)  // the zero-width interval draws its dot only
    }

    @Test("An interval chart draws each range from low to high through the gridlines of those values, headings per group")
    func intervals() throws {
        let chart = IntervalChart(name: "range", title: "t", summary: "s",
                                  x: ChartAxis(title: "Wins", covering: [10, 50], includingZero: true),
                                  rows: [.init(label: "Q3", low: 20, estimate: 30, high: 40, group: "next quarter"),
                                         .init(label: "Q4", low: 10, estimate: 20, high: 50, group: "next quarter"),
                                         .init(label: "alone", low: 0, estimate: 10, high: 20, group: "alone")],
                                  reference: (30, "target"))
        let svg = SVGMarkup(chart.svg().markup)
        let xs = svg.verticalGridX  // 0, 10, …, 50
        #expect(xs.count == 6)
        let ranges = svg.all("line").filter { $0.attributes["class"] == "mark" }
        #expect(ranges.map { $0.number("x1")! } == [xs[2], xs[1], xs[0]])
        #expect(ranges.map { $0.number("x2")! } == [xs[4], xs[5], xs[2]])
        #expect(svg.all("circle").map { $0.number("cx")! } == [xs[3], xs[2], xs[1]])
        // One heading for the two-row group; none for a group of one row named as the row.
        #expect(chart.svg().markup.components(separatedBy: ">next quarter</text>").count == 2)
        #expect(chart.svg().markup.components(separatedBy: ">alone</text>").count == 2)
        #expect(chart.height == 14 + 4 * 18 + 50)
    }

    @Test("Every chart is an accessible figure: role img, title and desc named by aria-labelledby, a caption")
    func figure() {
        let chart = BarChart(name: "lift", title: "Lift by decile", summary: "What it shows.", categoryTitle: "Decile",
                             y: ChartAxis(title: "Lift", covering: [1], includingZero: true), bars: [.init(label: "1", value: 1)])
        let html = chart.figure(caption: "Lift <caption>").markup
        #expect(html.hasPrefix(#"<figure data-chart="lift"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 560 360" width="560" height="360" role="img" aria-labelledby="lift-title lift-desc""#))
        #expect(html.contains(#"<title id="lift-title">Lift by decile</title><desc id="lift-desc">What it shows.</desc>"#))
        #expect(html.hasSuffix("</svg><figcaption>Lift &lt;caption&gt;</figcaption></figure>"))
    }
}

private extension Double {
    /// As the SVG writes a coordinate.
    var text: String {
        var s = String(format: "%.2f", self)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
