/// Vertical bars over categories, from zero to each value, with an optional horizontal
/// reference line: lift by decile against the 1 of random ordering.
///
///     let chart = BarChart(name: "lift", title: "Lift by decile", summary: "…", categoryTitle: "Decile",
///                          y: ChartAxis(title: "Lift", covering: lifts, includingZero: true),
///                          bars: lifts.enumerated().map { .init(label: "\($0 + 1)", value: $1) },
///                          reference: (1, "random"))
public struct BarChart: Chart {
    /// One bar.
    public struct Bar: Sendable {
        /// The category, written under the bar.
        public var label: String
        /// The height; a NaN or infinite value draws no bar.
        public var value: Double
        /// Its colour.
        public var color: ChartColor
        /// The tooltip (default: label and value).
        public var detail: String?

        public init(label: String, value: Double, color: ChartColor = .primary, detail: String? = nil) {
            self.label = label
            self.value = value
            self.color = color
            self.detail = detail
        }
    }

    public let name: String
    public let title: String
    public let summary: String
    /// The title under the categories.
    public var categoryTitle: String
    /// The value axis; it should include zero.
    public var y: ChartAxis
    /// The bars, left to right.
    public var bars: [Bar]
    /// A horizontal line across the plot at a value, with its label, or `nil`.
    public var reference: (value: Double, label: String)?
    /// The size in pixels; default 560 × 360.
    public var width: Double
    public var height: Double

    public init(name: String, title: String, summary: String, categoryTitle: String, y: ChartAxis, bars: [Bar],
                reference: (value: Double, label: String)? = nil, width: Double = 560, height: Double = 360) {
        self.name = name
        self.title = title
        self.summary = summary
        self.categoryTitle = categoryTitle
        self.y = y
        self.bars = bars
        self.reference = reference
        self.width = width
        self.height = height
    }

    public func svg() -> HTML {
        var canvas = SVGCanvas(width: width, height: height)
        let labelWidth = y.ticks.map { SVGCanvas.textWidth(y.label($0)) }.max() ?? 0
        let plot = PlotArea(left: 34 + labelWidth, top: 14, right: width - 16, bottom: height - 50)
        let sy = y.scale(from: plot.bottom, to: plot.top)
        canvas.yAxis(y, scale: sy, plot: plot)
        let slot = (plot.right - plot.left) / Double(max(bars.count, 1))
        let base = sy(min(max(0, y.domain.lowerBound), y.domain.upperBound))
        for (k, bar) in bars.enumerated() {
            let left = plot.left + Double(k) * slot
            if bar.value.isFinite {
                canvas.rect(x1: left + slot * 0.15, y1: base, x2: left + slot * 0.85, y2: sy(bar.value), color: bar.color.hex,
                            title: bar.detail ?? "\(bar.label): \(y.label(bar.value))")
            }
            canvas.text(bar.label, x: left + slot / 2, y: plot.bottom + 18, anchor: .middle)
        }
        canvas.line(plot.left, plot.bottom, plot.right, plot.bottom, color: "#555")
        canvas.text(categoryTitle, x: (plot.left + plot.right) / 2, y: plot.bottom + 38, anchor: .middle, size: 13)
        if let reference, reference.value.isFinite, y.domain.contains(reference.value) {
            let ry = sy(reference.value)
            canvas.line(plot.left, ry, plot.right, ry, color: "#333", width: 1.5, dashed: true)
            canvas.text(reference.label, x: plot.right - 4, y: ry - 6, anchor: .end)
        }
        return canvas.svg(name: name, title: title, summary: summary)
    }
}
