// libyaml's C interface, which Yams builds as its module `CYaml`: Yams does not expose YAML
// events, and this check has to see them before Yams builds (and hashes) the node tree.
import CYaml

/// How far YAML aliases expand a spec, found before Yams composes it.
///
/// An alias (`*name`) stands for the whole node its anchor (`&name`) marks, and anchors can
/// mark nodes that hold aliases themselves, so a few hundred bytes can stand for billions of
/// nodes: `a0: &a0 [x, x]`, `a1: &a1 [*a0, *a0]`, … doubles with each line. Yams shares the
/// nodes rather than copying them, but its check for duplicate keys hashes every key of a
/// mapping in full, so one such alias used as a key (`? *a25 : v`) kept the parser busy for
/// 16–19 s, twice that for each further line. A spec has a few hundred nodes, so anything over
/// `limit` is refused up front.
enum SpecAliasExpansion {
    /// The most nodes a spec may stand for once its aliases are expanded.
    static let limit = 100_000

    /// Where an alias first takes the spec past `limit` nodes, or `nil`: for text without a
    /// `*` (so without aliases), and for text libyaml cannot parse, whose error Yams reports.
    static func excess(in text: String) -> (alias: String, line: Int, column: Int)? {
        guard text.utf8.contains(UInt8(ascii: "*")) else { return nil }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        var text = text
        return text.withUTF8 { bytes in
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
            // Nodes so far, each alias counting the nodes of its anchor; the size of each
            // anchored node; and, for each open collection, its anchor and the count at its start.
            var nodes = 0
            var anchorNodes: [String: Int] = [:]
            var open: [(anchor: String?, start: Int)] = []
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
                case YAML_SEQUENCE_START_EVENT:
                    open.append((name(event.data.sequence_start.anchor), nodes))
                    nodes += 1
                case YAML_MAPPING_START_EVENT:
                    open.append((name(event.data.mapping_start.anchor), nodes))
                    nodes += 1
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let (anchor, start) = open.popLast() else { return nil }
                    if let anchor { anchorNodes[anchor] = nodes - start }
                case YAML_ALIAS_EVENT:
                    let alias = name(event.data.alias.anchor) ?? ""
                    // An undefined alias counts one node here; Yams reports it.
                    nodes += anchorNodes[alias] ?? 1
                    if nodes > limit {
                        return (alias, Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1)
                    }
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
