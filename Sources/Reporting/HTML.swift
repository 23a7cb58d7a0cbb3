/// A fragment of HTML (or inline SVG) whose text has been escaped: the only way user data
/// (feature names, lead ids, levels) reaches a report.
///
/// Text goes in through `init(text:)` or the `text:` and attribute parameters of
/// `element(_:_:_:)`, which escape `&`, `<`, `>`, `"` and `'`; element and attribute names come
/// from code and are checked. Fragments concatenate without escaping again.
///
///     let cell = HTML.element("td", [("class", "num")], text: "<b>&</b>")
///     cell.markup   // <td class="num">&lt;b&gt;&amp;&lt;/b&gt;</td>
public struct HTML: Equatable, Sendable, CustomStringConvertible {
    /// The markup, ready to be written into a document.
    public let markup: String

    /// Markup built by this module's code, never from data.
    init(trustedMarkup: String) {
        markup = trustedMarkup
    }

    /// `text`, escaped so that it shows as written.
    public init(text: String) {
        markup = Self.escape(text)
    }

    /// The fragments one after another.
    public init(_ fragments: [HTML]) {
        markup = fragments.map(\.markup).joined()
    }

    /// No markup.
    public static let empty = HTML(trustedMarkup: "")

    public var description: String { markup }

    /// `text` with the five characters that can end text or an attribute value replaced by
    /// character references: safe both between tags and inside a double- or single-quoted
    /// attribute value.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            // A NUL or other C0 control cannot appear in HTML text; show it as the
            // replacement character rather than let the parser decide.
            case "\u{0}"..."\u{8}", "\u{B}", "\u{E}"..."\u{1F}", "\u{7F}": result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The elements HTML writes without a closing tag.
    static let voidElements: Set<String> = ["meta", "br", "hr", "img", "link", "col", "input", "wbr"]

    /// An element with escaped attribute values and the given children.
    ///
    /// - Parameters:
    ///   - name: The element's name, letters and digits (a programmer's constant).
    ///   - attributes: Name and value pairs, in order; names are letters, digits and `-`,
    ///     values are escaped.
    ///   - children: The content.
    public static func element(_ name: String, _ attributes: [(String, String)] = [], _ children: [HTML] = []) -> HTML {
        precondition(isName(name, allowingHyphen: false), "`\(name)` is not an element name.")
        var markup = "<" + name
        for (attribute, value) in attributes {
            precondition(isName(attribute, allowingHyphen: true), "`\(attribute)` is not an attribute name.")
            markup += " " + attribute + "=\"" + escape(value) + "\""
        }
        markup += ">"
        if voidElements.contains(name) {
            precondition(children.isEmpty, "<\(name)> has no content.")
            return HTML(trustedMarkup: markup)
        }
        for child in children { markup += child.markup }
        return HTML(trustedMarkup: markup + "</" + name + ">")
    }

    /// An element without attributes around `children`.
    public static func element(_ name: String, _ children: [HTML]) -> HTML {
        element(name, [], children)
    }

    /// An element holding `text`, escaped.
    public static func element(_ name: String, _ attributes: [(String, String)] = [], text: String) -> HTML {
        element(name, attributes, [HTML(text: text)])
    }

    /// A paragraph of text.
    public static func paragraph(_ text: String, class className: String? = nil) -> HTML {
        element("p", className.map { [("class", $0)] } ?? [], text: text)
    }

    /// A definition list: each term with one or more lines of description.
    public static func definitionList(_ entries: [(term: String, lines: [String])]) -> HTML {
        element("dl", entries.map { entry in
            HTML([element("dt", text: entry.term)] + entry.lines.map { element("dd", text: $0) })
        })
    }

    private static func isName(_ name: String, allowingHyphen: Bool) -> Bool {
        func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
        guard let first = name.unicodeScalars.first, isLetter(first) else { return false }
        return name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || (allowingHyphen && $0 == "-") }
    }
}
