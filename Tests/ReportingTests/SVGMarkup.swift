import Foundation

/// The elements of an SVG string, read with a regular expression (the charts write one element
/// per tag, attributes double-quoted): enough to measure where things were drawn.
struct SVGMarkup {
    struct Element {
        let name: String
        let attributes: [String: String]
        func number(_ key: String) -> Double? { attributes[key].flatMap(Double.init) }
    }

    let elements: [Element]

    init(_ markup: String) {
        let tag = try! Regex(#"<([a-z]+)((?:\s+[a-zA-Z0-9-]+="[^"]*")*)\s*/?>"#)
        let attribute = try! Regex(#"([a-zA-Z0-9-]+)="([^"]*)""#)
        elements = markup.matches(of: tag).map { match in
            let name = String(match.output[1].substring!)
            let text = String(match.output[2].substring ?? "")
            var attributes: [String: String] = [:]
            for a in text.matches(of: attribute) {
                attributes[String(a.output[1].substring!)] = String(a.output[2].substring!)
            }
            return Element(name: name, attributes: attributes)
        }
    }

    func all(_ name: String) -> [Element] { elements.filter { $0.name == name } }
    var marks: [Element] { elements.filter { $0.attributes["class"] == "mark" } }
    /// Light grey gridlines.
    var gridlines: [Element] { all("line").filter { $0.attributes["stroke"] == "#e3e6ea" } }
    /// Vertical gridlines' x and horizontal gridlines' y.
    var verticalGridX: [Double] { gridlines.filter { $0.number("x1") == $0.number("x2") }.map { $0.number("x1")! } }
    var horizontalGridY: [Double] { gridlines.filter { $0.number("y1") == $0.number("y2") }.map { $0.number("y1")! } }
}
