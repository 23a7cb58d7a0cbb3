/// Counts in bins of a numeric axis, each bin its own colour, with optional labelled vertical
/// markers: the open pipeline's scores 0–100 coloured by grade, the grade cut points marked.
///
///     let chart = Histogram(name: "scores", title: "Scores", summary: "…",
///                           x: ChartAxis(title: "Score", domain: -0.5...100.5, ticks: [0, 20, 40, 60, 80, 100]),
///                           y: ChartAxis(title: "Leads", covering: counts, includingZero: true),
///                           bins: (0...100).map { .init(lower: Double($0) - 0.5, upper: Double($0) + 0.5, count: counts[$0]) })
public struct Histogram: Chart {
    /// One bin.
    public struct Bin: Sendable {
        /// The bin's edges on the x axis.
        public var lower: Double
        public var upper: Double
        /// Its count (or any height); zero draws nothing.
        public var count: Double
        /// Its colour.
        public var color: ChartColor
        /// The tooltip (default: edges and count).
        public var detail: String?

        public init(lower: Double, upper: Double, count: Double, color: ChartColor = .primary, detail: String? = nil) {
            self.lower = lower
            self.upper = upper
            self.count = count
            self.color = color
            self.detail = detail
        }
    }

    /// A labelled vertical line at a value.
    public struct Marker: Sendable {
        public var value: Double
        public var label: String

        public init(value: Double, label: String) {
            self.value = value
            self.label = label
        }
    }

    public let name: String
    public let title: String
    public let summary: String
    /// The horizontal axis (the bins' scale).
    public var x: ChartAxis
    /// The count axis; it should include zero.
    public var y: ChartAxis
    /// The bins.
    public var bins: [Bin]
    /// Dashed vertical lines with labels at the top, such as grade cut points.
    public var markers: [Marker]
    /// Colour keys shown top right, such as the grades.
    public var legend: [(label: String, color: ChartColor)]
    /// The size in pixels; default 720 × 360.
    public var width: Double
    public var height: Double

    public init(name: String, title: String, summary: String, x: ChartAxis, y: ChartAxis, bins: [Bin],
                markers: [Marker] = [], legend: [(label: String, color: ChartColor)] = [], width: Double = 720,
                height: Double = 360) {
        self.name = name
        self.title = title
        self.summary = summary
        self.x = x
        self.y = y
        self.bins = bins
        self.markers = markers
        self.legend = legend
        self.width = width
        self.height = height
    }

    public func svg() -> HTML {
        var canvas = SVGCanvas(width: width, height: height)
        let labelWidth = y.ticks.map { SVGCanvas.textWidth(y.label($0)) }.max() ?? 0
        let plot = PlotArea(left: 34 + labelWidth, top: 26, right: width - 16, bottom: height - 50)
        let sx = x.scale(from: plot.left, to: plot.right), sy = y.scale(from: plot.bottom, to: plot.top)
        canvas.xAxis(x, scale: sx, plot: plot, gridlines: false)
        canvas.yAxis(y, scale: sy, plot: plot)
        let base = sy(min(max(0, y.domain.lowerBound), y.domain.upperBound))
        for bin in bins where bin.count.isFinite && bin.lower.isFinite && bin.upper.isFinite {
            // A hairline gap between neighbouring bins keeps them apart.
            let left = sx(bin.lower), right = sx(bin.upper)
            let gap = min(0.5, abs(right - left) / 4)
            canvas.rect(x1: left + gap, y1: base, x2: right - gap, y2: sy(bin.count), color: bin.color.hex,
                        title: bin.detail ?? "\(x.label(bin.lower))–\(x.label(bin.upper)): \(y.label(bin.count))")
        }
        for marker in markers where marker.value.isFinite && x.domain.contains(marker.value) {
            let mx = sx(marker.value)
            canvas.line(mx, plot.top, mx, plot.bottom, color: "#333", width: 1, dashed: true)
            canvas.text(marker.label, x: mx, y: plot.top - 8, anchor: .middle, size: 11)
        }
        if !legend.isEmpty {
            var lx = plot.right
            for entry in legend.reversed() {
                lx -= SVGCanvas.textWidth(entry.label) + 30
                canvas.rect(x1: lx, y1: plot.top + 6, x2: lx + 12, y2: plot.top + 18, color: entry.color.hex, mark: false)
                canvas.text(entry.label, x: lx + 16, y: plot.top + 16)
            }
        }
        return canvas.svg(name: name, title: title, summary: summary)
    }
}
