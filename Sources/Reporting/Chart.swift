/// A chart that draws itself as inline SVG, with an accessible title and description.
///
/// `figure(caption:)` wraps the SVG in `<figure data-chart="NAME">` with a `<figcaption>`: the
/// unit a report section holds and the browser test looks for. A chart's `name` also prefixes
/// the ids of its `<title>` and `<desc>`, so names must be unique within one document.
public protocol Chart: Sendable {
    /// What kind of chart this is in the report, such as `roc`: the `data-chart` attribute and
    /// the id prefix; lowercase letters, digits and `-`.
    var name: String { get }
    /// The chart's title, read by screen readers and shown as a tooltip.
    var title: String { get }
    /// What the chart shows, in a sentence or two, for screen readers (`<desc>`).
    var summary: String { get }
    /// The SVG element.
    func svg() -> HTML
}

extension Chart {
    /// The chart in a `<figure data-chart="NAME">` with `caption` below it.
    public func figure(caption: String) -> HTML {
        .element("figure", [("data-chart", name)], [svg(), .element("figcaption", text: caption)])
    }
}

/// The colours charts draw with (fill or stroke), chosen to stay distinguishable in grey and
/// for the common colour-vision deficiencies.
public enum ChartColor: Sendable, CaseIterable {
    /// The main series.
    case primary
    /// A second series.
    case secondary
    /// An effect that raises the odds (its interval excludes zero).
    case positive
    /// An effect that lowers the odds (its interval excludes zero).
    case negative
    /// Anything not singled out: an interval across zero, a reference.
    case muted
    /// Grades A to D, dark to light.
    case gradeA, gradeB, gradeC, gradeD

    /// The colour as written in SVG.
    public var hex: String {
        switch self {
        case .primary: return "#2f6db5"
        case .secondary: return "#d9822b"
        case .positive, .gradeA: return "#1b7f5a"
        case .negative: return "#c2410c"
        case .muted: return "#8a9099"
        case .gradeB: return "#5fa8d3"
        case .gradeC: return "#e0a526"
        case .gradeD: return "#b8bec7"
        }
    }
}

/// The drawing surface behind every chart: SVG elements with coordinates rounded to 0.01 px,
/// axes with gridlines, and the accessible wrapper. Internal: charts are the public API.
struct SVGCanvas {
    let width: Double
    let height: Double
    private(set) var elements: [HTML] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    static func number(_ value: Double) -> String { ChartNumber.coordinate(value) }

    mutating func add(_ element: HTML) { elements.append(element) }

    /// A straight line; `mark` marks it as drawn data (the browser test measures marks).
    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, color: String, width: Double = 1,
                       dashed: Bool = false, mark: Bool = false) {
        var attributes = [("x1", Self.number(x1)), ("y1", Self.number(y1)), ("x2", Self.number(x2)), ("y2", Self.number(y2)),
                          ("stroke", color), ("stroke-width", Self.number(width))]
        if dashed { attributes.append(("stroke-dasharray", "4 3")) }
        if mark { attributes.append(("class", "mark")) }
        add(.element("line", attributes))
    }

    /// A rectangle between two corners in any order; nothing when it has no area.
    mutating func rect(x1: Double, y1: Double, x2: Double, y2: Double, color: String, title: String? = nil, mark: Bool = true) {
        let x = min(x1, x2), y = min(y1, y2), w = abs(x2 - x1), h = abs(y2 - y1)
        guard w > 0, h > 0, w.isFinite, h.isFinite else { return }
        add(.element("rect", (mark ? [("class", "mark")] : []) + [("x", Self.number(x)), ("y", Self.number(y)), ("width", Self.number(w)),
                              ("height", Self.number(h)), ("fill", color)],
                     title.map { [.element("title", text: $0)] } ?? []))
    }

    /// A dot.
    mutating func circle(_ x: Double, _ y: Double, radius: Double, color: String, title: String? = nil) {
        guard x.isFinite, y.isFinite else { return }
        add(.element("circle", [("class", "mark"), ("cx", Self.number(x)), ("cy", Self.number(y)), ("r", Self.number(radius)),
                                ("fill", color)],
                     title.map { [.element("title", text: $0)] } ?? []))
    }

    /// A polyline through the finite points, as one path.
    mutating func polyline(_ points: [(x: Double, y: Double)], color: String, width: Double = 2) {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard finite.count >= 2 else { return }
        let d = finite.enumerated().map { (i, p) in (i == 0 ? "M" : "L") + Self.number(p.x) + " " + Self.number(p.y) }
            .joined(separator: " ")
        add(.element("path", [("class", "mark"), ("d", d), ("fill", "none"), ("stroke", color),
                              ("stroke-width", Self.number(width)), ("stroke-linejoin", "round")]))
    }

    enum Anchor: String { case start, middle, end }

    /// Text at a point.
    mutating func text(_ content: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 12,
                       bold: Bool = false, color: String = "#333", rotated: Bool = false) {
        var attributes = [("x", Self.number(x)), ("y", Self.number(y)), ("font-size", Self.number(size)), ("fill", color)]
        if anchor != .start { attributes.append(("text-anchor", anchor.rawValue)) }
        if bold { attributes.append(("font-weight", "600")) }
        if rotated { attributes.append(("transform", "rotate(-90 \(Self.number(x)) \(Self.number(y)))")) }
        add(.element("text", attributes, text: content))
    }

    /// An approximate text width at `size` px, for laying out labels (0.6 em per character).
    static func textWidth(_ text: String, size: Double = 12) -> Double { Double(text.count) * size * 0.6 }

    /// The horizontal axis along the bottom of `plot`: gridlines, ticks, labels and title.
    mutating func xAxis(_ axis: ChartAxis, scale: LinearScale, plot: PlotArea, gridlines: Bool = true) {
        for tick in axis.ticks {
            let x = scale(tick)
            if gridlines { line(x, plot.top, x, plot.bottom, color: "#e3e6ea") }
            line(x, plot.bottom, x, plot.bottom + 5, color: "#555")
            text(axis.label(tick), x: x, y: plot.bottom + 18, anchor: .middle)
        }
        line(plot.left, plot.bottom, plot.right, plot.bottom, color: "#555")
        text(axis.title, x: (plot.left + plot.right) / 2, y: plot.bottom + 38, anchor: .middle, size: 13)
    }

    /// The vertical axis along the left of `plot`.
    mutating func yAxis(_ axis: ChartAxis, scale: LinearScale, plot: PlotArea, gridlines: Bool = true) {
        for tick in axis.ticks {
            let y = scale(tick)
            if gridlines { line(plot.left, y, plot.right, y, color: "#e3e6ea") }
            line(plot.left - 5, y, plot.left, y, color: "#555")
            text(axis.label(tick), x: plot.left - 8, y: y + 4, anchor: .end)
        }
        line(plot.left, plot.top, plot.left, plot.bottom, color: "#555")
        text(axis.title, x: 16, y: (plot.top + plot.bottom) / 2, anchor: .middle, size: 13, rotated: true)
    }

    /// A legend of coloured swatches, one entry per line, from the top-left corner given.
    mutating func legend(_ entries: [(label: String, color: String, dashed: Bool)], x: Double, y: Double) {
        for (k, entry) in entries.enumerated() {
            let row = y + Double(k) * 18
            line(x, row - 4, x + 22, row - 4, color: entry.color, width: entry.dashed ? 1.5 : 3, dashed: entry.dashed)
            text(entry.label, x: x + 28, y: row)
        }
    }

    /// The finished `<svg>`: sized, scalable, with `<title>` and `<desc>` named by
    /// `aria-labelledby`.
    func svg(name: String, title: String, summary: String) -> HTML {
        let titleID = name + "-title", descID = name + "-desc"
        let w = Self.number(width), h = Self.number(height)
        return .element("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("viewBox", "0 0 \(w) \(h)"), ("width", w),
                                ("height", h), ("role", "img"), ("aria-labelledby", "\(titleID) \(descID)"),
                                ("font-family", "system-ui, sans-serif")],
                        [.element("title", [("id", titleID)], text: title), .element("desc", [("id", descID)], text: summary)]
                            + elements)
    }
}

/// The rectangle inside a chart's margins where data is drawn.
struct PlotArea {
    let left: Double
    let top: Double
    let right: Double
    let bottom: Double
}
