/// Numbers as report text without `String(format:)`, which costs microseconds a call: the
/// score files write millions of them.
public enum DecimalText {
    /// `value` with `decimals` digits after the point (0…9), rounded half away from zero, as
    /// `%.Nf` prints it (which rounds an exact binary half to even instead, and writes `-0`
    /// for a negative value that rounds to zero, where this writes `0`); with `plus`, a leading
    /// `+` on values that do not round below zero. Values whose magnitude times 10^decimals
    /// reaches 10¹⁵, and non-finite ones, fall back to `description`.
    public static func fixed(_ value: Double, decimals: Int, plus: Bool = false) -> String {
        precondition((0...9).contains(decimals), "0 to 9 decimals.")
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        guard value.isFinite, abs(value) * Double(scale) < 1e15 else { return value.description }
        let scaled = Int((abs(value) * Double(scale)).rounded())
        var text = scaled == 0 ? (plus ? "+" : "") : (value < 0 ? "-" : plus ? "+" : "")
        text += String(scaled / scale)
        if decimals > 0 {
            let fraction = String(scaled % scale)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }

    /// `value` to about `digits` significant digits for a reader: whole numbers as integers;
    /// otherwise 0 decimals from 100 up, 1 from 1 up, and below 1 enough for `digits`
    /// significant digits; trailing zeros dropped.
    public static func readable(_ value: Double, digits: Int = 2) -> String {
        guard value.isFinite else { return value.description }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        let magnitude = abs(value)
        var decimals: Int
        if magnitude >= 100 {
            decimals = 0
        } else if magnitude >= 1 {
            decimals = 1
        } else {
            decimals = digits
            var m = magnitude * 10
            while m < 1 && decimals < 9 {
                m *= 10
                decimals += 1
            }
        }
        var text = fixed(value, decimals: decimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// `value` as `fixed` writes it, with a comma between thousands: `1,234,567.50`.
    public static func grouped(_ value: Double, decimals: Int = 0) -> String {
        let text = fixed(value, decimals: decimals)
        let sign = text.hasPrefix("-") ? "-" : ""
        let unsigned = sign.isEmpty ? Substring(text) : text.dropFirst()
        let point = unsigned.firstIndex(of: ".") ?? unsigned.endIndex
        let whole = unsigned[..<point]
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        // Beyond `fixed`'s range its text is `description`'s: left as it is.
        guard value.isFinite, abs(value) * scale < 1e15 else { return text }
        var result = ""
        for (k, digit) in whole.enumerated() {
            if k > 0 && (whole.count - k) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return sign + result + unsigned[point...]
    }
}
