/// A table of text cells, escaped: headers, rows, and which columns hold numbers (aligned
/// right, in tabular figures).
///
///     let table = HTMLTable(columns: [.init("Decile"), .init("Lift", numeric: true)],
///                           rows: [["1", "2.31"], ["2", "1.74"]])
///     let html = table.html
public struct HTMLTable: Sendable {
    /// One column.
    public struct Column: Sendable {
        /// The header.
        public var header: String
        /// Whether it holds numbers: right-aligned.
        public var numeric: Bool

        public init(_ header: String, numeric: Bool = false) {
            self.header = header
            self.numeric = numeric
        }
    }

    /// The columns.
    public var columns: [Column]
    /// The rows of cells, as many per row as columns.
    public var rows: [[String]]
    /// A caption above the table, or `nil`.
    public var caption: String?

    public init(columns: [Column], rows: [[String]], caption: String? = nil) {
        precondition(rows.allSatisfy { $0.count == columns.count }, "Every row needs one cell per column.")
        self.columns = columns
        self.rows = rows
        self.caption = caption
    }

    /// The `<table>`, in a `<div class="table-scroll">`.
    public var html: HTML {
        func cellAttributes(_ column: Column) -> [(String, String)] { column.numeric ? [("class", "num")] : [] }
        var parts: [HTML] = []
        if let caption { parts.append(.element("caption", text: caption)) }
        parts.append(.element("thead", [.element("tr", columns.map { .element("th", cellAttributes($0) + [("scope", "col")], text: $0.header) })]))
        parts.append(.element("tbody", rows.map { row in
            .element("tr", zip(columns, row).map { column, cell in .element("td", cellAttributes(column), text: cell) })
        }))
        // Wide tables scroll sideways inside their own box instead of widening the page.
        return .element("div", [("class", "table-scroll")], [.element("table", parts)])
    }
}
