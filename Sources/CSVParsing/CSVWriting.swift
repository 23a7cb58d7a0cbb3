/// Writing CSV text that `CSVReader` reads back as it was written.
public enum CSVWriting {
    /// Appends `value` (UTF-8) as one field: enclosed in quotes, with each quote doubled, when it
    /// holds a comma, quote or line break, and, with `quotingEmpty`, when it is empty (a present
    /// empty value, since an empty unquoted field reads as missing).
    ///
    /// Inlinable, so that each caller's byte collection gets its own specialized loop (called
    /// through the generic interface, a score file of 160k rows spent a second here).
    @inlinable
    public static func appendField<Bytes: Collection<UInt8>>(_ value: Bytes, to out: inout [UInt8], quotingEmpty: Bool) {
        let needsQuotes = (quotingEmpty && value.isEmpty) || value.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            out.append(contentsOf: value)
            return
        }
        out.append(0x22)
        for byte in value {
            if byte == 0x22 { out.append(0x22) }
            out.append(byte)
        }
        out.append(0x22)
    }
}
