/// Estimates with their ranges, one row each on a shared horizontal axis: a bar from low to
/// high and a dot at the estimate, with an optional vertical reference line. Forest plots of
/// coefficients use it, and so can a forecast's P10–P90 range around its P50.
///
///     let chart = IntervalChart(name: "forecast-range", title: "Won revenue, next quarter", summary: "…",
///                               x: ChartAxis(title: "Revenue (USD)", covering: [p10, p90], includingZero: true),
///                               rows: [.init(label: "Q3", low: p10, estimate: p50, high: p90)])
///
/// Rows may carry a group: a group's name is written above its first row (features grouped by
/// the spec feature their columns come from), unless the group is one row of the same name.
public struct IntervalChart: Chart {
    /// One estimate and its range.
    public struct Row: Sendable {
        /// The row's label, at the left.
        public var label: String
        /// The range's ends and the estimate; a non-finite value draws nothing of the row.
        public var low: Double
        public var estimate: Double
        public var high: Double
        /// The heading the row goes under; a new heading is written whenever it changes.
        public var group: String?
        /// The colour of the range and dot.
        public var color: ChartColor
        /// The tooltip (default: label, estimate and range).
        public var detail: String?

        public init(label: String, low: Double, estimate: Double, high: Double, group: String? = nil,
                    color: ChartColor = .primary, detail: String? = nil) {
            self.label = label
            self.low = low
            self.estimate = estimate
            self.high = high
            self.group = group
            self.color = color
            self.detail = detail
        }
    }

    public let name: String
    public let title: String
    public let summary: String
    /// The value axis.
    public var x: ChartAxis
    /// The rows, top to bottom.
    public var rows: [Row]
    /// A dashed vertical line at a value with its label (such as 0, "no effect"), or `nil`.
    public var reference: (value: Double, label: String)?
    /// The width in pixels (default 760); the height follows from the rows.
    public var width: Double
    /// The height of one row in pixels; default 18.
    public var rowHeight: Double

    public init(name: String, title: String, summary: String, x: ChartAxis, rows: [Row],
                reference: (value: Double, label: String)? = nil, width: Double = 760, rowHeight: Double = 18) {
        self.name = name
        self.title = title
        self.summary = summary
        self.x = x
        self.rows = rows
        self.reference = reference
        self.width = width
        self.rowHeight = rowHeight
    }

    /// The vertical position of each row's centre, and of each group heading, from `top`.
    func layout(top: Double) -> (rows: [Double], headings: [(text: String, y: Double)], bottom: Double) {
        var y = top, centres: [Double] = [], headings: [(text: String, y: Double)] = []
        var group: String?
        for (k, row) in rows.enumerated() {
            // A group of one row labelled as the group itself needs no heading.
            let alone = row.label == row.group && (k + 1 == rows.count || rows[k + 1].group != row.group)
            if let heading = row.group, heading != group, !alone {
                headings.append((heading, y + rowHeight * 0.7))
                y += rowHeight
            }
            group = row.group
            centres.append(y + rowHeight / 2)
            y += rowHeight
        }
        return (centres, headings, y)
    }

    /// The height of the chart in pixels.
    public var height: Double { layout(top: 14).bottom + 50 }

    public func svg() -> HTML {
        let labelWidth = min(320, (rows.map { SVGCanvas.textWidth($0.label) } + rows.compactMap { $0.group }
            .map { SVGCanvas.textWidth($0, size: 12) }).max() ?? 0)
        let placed = layout(top: 14)
        var canvas = SVGCanvas(width: width, height: placed.bottom + 50)
        let plot = PlotArea(left: 24 + labelWidth, top: 14, right: width - 24, bottom: placed.bottom)
        let sx = x.scale(from: plot.left, to: plot.right)
        canvas.xAxis(x, scale: sx, plot: plot)
        for heading in placed.headings {
            canvas.text(heading.text, x: 8, y: heading.y, bold: true)
        }
        for (row, y) in zip(rows, placed.rows) {
            canvas.text(row.label, x: plot.left - 10, y: y + 4, anchor: .end)
            guard row.low.isFinite, row.high.isFinite, row.estimate.isFinite else { continue }
            if row.high > row.low {
                canvas.line(sx(row.low), y, sx(row.high), y, color: row.color.hex, width: 2.5, mark: true)
            }
            canvas.circle(sx(row.estimate), y, radius: 3.5, color: row.color.hex,
                          title: row.detail ?? "\(row.label): \(x.label(row.estimate)) (\(x.label(row.low)) to \(x.label(row.high)))")
        }
        if let reference, reference.value.isFinite, x.domain.contains(reference.value) {
            let rx = sx(reference.value)
            canvas.line(rx, plot.top, rx, plot.bottom, color: "#333", width: 1, dashed: true)
            canvas.text(reference.label, x: rx + 4, y: plot.top + 10, size: 11)
        }
        return canvas.svg(name: name, title: title, summary: summary)
    }
}
