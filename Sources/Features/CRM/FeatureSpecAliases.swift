// libyaml's C interface, which Yams builds as its module `CYaml`: Yams does not expose YAML
// events, and this check has to see them before Yams builds (and hashes) the node tree.
import CYaml

/// What a spec's aliases would make Yams do, found before Yams composes it.
///
/// An alias (`*name`) stands for the whole node its anchor (`&name`) marks, and anchors can
/// mark nodes that hold aliases themselves, so a few hundred bytes can stand for billions of
/// nodes: `a0: &a0 [x, x]`, `a1: &a1 [*a0, *a0]`, … doubles with each line. Yams shares the
/// nodes rather than copying them, but its check for duplicate keys hashes and sorts every key
/// of a mapping in full, so one such alias used as a key (`? *a25 : v`) kept the parser busy for
/// 16–19 s, twice that for each further line; and a fuzz run found keys of aliases expanding to
/// far fewer nodes that, repeated, still took 10 s under the address sanitizer. A spec has a few
/// hundred nodes and plain names as keys, so in text that uses aliases this refuses anything
/// over `limit` nodes, and any key that is not plain text.
enum SpecAliasExpansion {
    /// The most nodes a spec may stand for once its aliases are expanded.
    static let limit = 100_000

    /// The first thing in `text` that would make composing it expensive, with its line and
    /// column (1-based) and a sentence saying what to do; `nil` for text without a `*` (so
    /// without aliases), and for text libyaml cannot parse, whose error Yams reports.
    static func problem(in text: String) -> (line: Int, column: Int, message: String)? {
        guard text.utf8.contains(UInt8(ascii: "*")) else { return nil }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        var text = text
        return text.withUTF8 { bytes in
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
            // Nodes so far, each alias counting the nodes of its anchor; the size of each
            // anchored node; and, for each open collection, its anchor, the count at its start,
            // and for a mapping whether its next node is a key.
            var nodes = 0
            var anchorNodes: [String: Int] = [:]
            var open: [(anchor: String?, start: Int, isMapping: Bool, expectsKey: Bool)] = []
            /// Called at each node's start: a key must be a scalar.
            func keyProblem(_ event: yaml_event_t, _ kind: String) -> (line: Int, column: Int, message: String)? {
                guard let parent = open.last, parent.isMapping, parent.expectsKey else { return nil }
                return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1,
                        "a key here is \(kind); a spec's keys are plain names. Write the key out as text.")
            }
            /// Called at each node's end: after a key comes a value, after a value a key.
            func finishNode() {
                if let last = open.indices.last, open[last].isMapping { open[last].expectsKey.toggle() }
            }
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    if let anchor = name(event.data.scalar.anchor) { anchorNodes[anchor] = 1 }
                    nodes += 1
                    finishNode()
                case YAML_SEQUENCE_START_EVENT:
                    if let problem = keyProblem(event, "a list") { return problem }
                    open.append((name(event.data.sequence_start.anchor), nodes, false, false))
                    nodes += 1
                case YAML_MAPPING_START_EVENT:
                    if let problem = keyProblem(event, "a mapping") { return problem }
                    open.append((name(event.data.mapping_start.anchor), nodes, true, true))
                    nodes += 1
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let (anchor, start, _, _) = open.popLast() else { return nil }
                    if let anchor { anchorNodes[anchor] = nodes - start }
                    finishNode()
                case YAML_ALIAS_EVENT:
                    let alias = name(event.data.alias.anchor) ?? ""
                    if let problem = keyProblem(event, "the alias `*\(alias)`") { return problem }
                    // An undefined alias counts one node here; Yams reports it.
                    nodes += anchorNodes[alias] ?? 1
                    if nodes > limit {
                        return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1,
                                "the alias `*\(alias)` takes the spec past \(limit) values once aliases are expanded; a spec "
                                    + "needs a few hundred. Write the repeated parts out instead of nesting aliases in aliases.")
                    }
                    finishNode()
                default:
                    break
                }
            }
        }
    }

    private static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
