/// Lines (and optionally dots) through points on two numeric axes, with an optional diagonal
/// `y = x` for reference: the ROC curve against chance, predicted against observed rates.
///
///     let chart = LineChart(name: "roc", title: "ROC curve", summary: "…",
///                           x: ChartAxis(title: "False positive rate", domain: 0...1, ticks: [0, 0.5, 1], decimals: 1),
///                           y: ChartAxis(title: "True positive rate", domain: 0...1, ticks: [0, 0.5, 1], decimals: 1),
///                           series: [.init(name: "model", points: curve)], diagonal: "chance")
///     let html = chart.figure(caption: "AUC 0.75")
public struct LineChart: Chart {
    /// One line.
    public struct Series: Sendable {
        /// The legend's name for it.
        public var name: String
        /// The points, joined in order; points with a NaN or infinite coordinate are skipped.
        public var points: [(x: Double, y: Double)]
        /// Its colour.
        public var color: ChartColor
        /// Whether each point gets a dot (with its values as a tooltip).
        public var showsPoints: Bool

        public init(name: String, points: [(x: Double, y: Double)], color: ChartColor = .primary, showsPoints: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.showsPoints = showsPoints
        }
    }

    public let name: String
    public let title: String
    public let summary: String
    /// The horizontal axis.
    public var x: ChartAxis
    /// The vertical axis.
    public var y: ChartAxis
    /// The lines, drawn in order.
    public var series: [Series]
    /// The legend label of the dashed diagonal `y = x` (drawn where it crosses the plot), or
    /// `nil` for none.
    public var diagonal: String?
    /// The size in pixels; default 480 × 400.
    public var width: Double
    public var height: Double

    public init(name: String, title: String, summary: String, x: ChartAxis, y: ChartAxis, series: [Series],
                diagonal: String? = nil, width: Double = 480, height: Double = 400) {
        self.name = name
        self.title = title
        self.summary = summary
        self.x = x
        self.y = y
        self.series = series
        self.diagonal = diagonal
        self.width = width
        self.height = height
    }

    public func svg() -> HTML {
        var canvas = SVGCanvas(width: width, height: height)
        let labelWidth = y.ticks.map { SVGCanvas.textWidth(y.label($0)) }.max() ?? 0
        let plot = PlotArea(left: 34 + labelWidth, top: 14, right: width - 16, bottom: height - 50)
        let sx = x.scale(from: plot.left, to: plot.right), sy = y.scale(from: plot.bottom, to: plot.top)
        canvas.xAxis(x, scale: sx, plot: plot)
        canvas.yAxis(y, scale: sy, plot: plot)
        var legend: [(label: String, color: String, dashed: Bool)] = series.map { ($0.name, $0.color.hex, false) }
        if let diagonal {
            // The part of y = x inside both domains, under the data.
            let low = max(x.domain.lowerBound, y.domain.lowerBound), high = min(x.domain.upperBound, y.domain.upperBound)
            if low < high {
                canvas.line(sx(low), sy(low), sx(high), sy(high), color: ChartColor.muted.hex, width: 1.5, dashed: true)
                legend.append((diagonal, ChartColor.muted.hex, true))
            }
        }
        for line in series {
            let points = line.points.filter { $0.x.isFinite && $0.y.isFinite }
            canvas.polyline(points.map { (sx($0.x), sy($0.y)) }, color: line.color.hex)
            if line.showsPoints {
                for point in points {
                    canvas.circle(sx(point.x), sy(point.y), radius: 4, color: line.color.hex,
                                  title: "\(x.title) \(x.label(point.x)), \(y.title) \(y.label(point.y))")
                }
            }
        }
        if legend.count > 1 {
            // Bottom right: below the diagonal, where ROC and calibration curves rarely go.
            let widest = legend.map { SVGCanvas.textWidth($0.label) }.max() ?? 0
            canvas.legend(legend, x: plot.right - widest - 40, y: plot.bottom - 18 * Double(legend.count) + 4)
        }
        return canvas.svg(name: name, title: title, summary: summary)
    }
}
