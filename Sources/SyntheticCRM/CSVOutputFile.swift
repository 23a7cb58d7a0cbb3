import Foundation

/// A CSV file being written under a temporary name until the generator renames it into place.
///
/// Rows are formatted into a `CSVRows` buffer owned by the caller and handed over with
/// `write(_:)` once large, so that formatting works on a local value.
final class CSVOutputFile {
    /// The path the file will have once published.
    let destination: URL
    /// The temporary path the rows go to meanwhile.
    let temporary: URL
    private let handle: FileHandle

    /// Creates the temporary file beside `destination` and writes the header row.
    ///
    /// - Throws: `GenerationError.cannotWrite` when the file cannot be created.
    init(_ destination: URL, header: [String]) throws(GenerationError) {
        self.destination = destination
        temporary = CSVOutputFile.temporaryURL(for: destination)
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw .cannotWrite(path: destination.path, reason: String(cString: strerror(errno)))
        }
        self.handle = handle
        var headerRow = CSVRows()
        for name in header { headerRow.field(name) }
        headerRow.endRow()
        try write(&headerRow)
    }

    /// The temporary name a file is written under: hidden, in the same folder (so the final
    /// rename stays on one file system), and naming the process.
    static func temporaryURL(for destination: URL) -> URL {
        destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(getpid()).partial")
    }

    /// Appends the rows of `buffer` to the file and empties the buffer.
    func write(_ buffer: inout CSVRows) throws(GenerationError) {
        guard !buffer.bytes.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer.bytes)
        } catch {
            throw .cannotWrite(path: destination.path, reason: (error as NSError).localizedDescription)
        }
        buffer.clear()
    }

    /// Writes the rest of `buffer`, flushes the file to disk and closes it (still under its
    /// temporary name).
    func finish(_ buffer: inout CSVRows) throws(GenerationError) {
        try write(&buffer)
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw .cannotWrite(path: destination.path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Closes the file, if still open, and removes it; for a run that failed.
    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(at: temporary)
    }
}

/// CSV rows being formatted, byte by byte, before they go to a `CSVOutputFile`.
///
/// The generator writes only words it chose (ids, numbers, timestamps, vocabulary), none
/// holding a comma, a quote or a line break; so fields are written as they are, unquoted.
struct CSVRows {
    private(set) var bytes: [UInt8] = []
    private var atLineStart = true

    /// Whether the buffer is large enough to be written out (1 MiB).
    var isFull: Bool { bytes.count >= 1 << 20 }

    init() {
        bytes.reserveCapacity((1 << 20) + 4096)
    }

    mutating func clear() {
        bytes.removeAll(keepingCapacity: true)
    }

    private mutating func separate() {
        if atLineStart { atLineStart = false } else { bytes.append(0x2C) }
    }

    /// Appends a field holding `text`.
    mutating func field(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends a field holding already encoded bytes (a vocabulary word).
    mutating func field(bytes word: [UInt8]) {
        separate()
        bytes.append(contentsOf: word)
    }

    /// Appends an empty field.
    mutating func emptyField() {
        separate()
    }

    /// Appends a field `prefix` followed by the decimal digits of `number` (an id such as `L42`).
    mutating func field(prefix: UInt8, _ number: Int) {
        separate()
        bytes.append(prefix)
        appendDigits(number)
    }

    /// Appends a field holding a non-negative integer.
    mutating func field(_ number: Int) {
        separate()
        appendDigits(number)
    }

    /// Appends a field holding `cents / 100` with exactly two decimals (`312.05`).
    mutating func field(cents: Int) {
        separate()
        appendDigits(cents / 100)
        bytes.append(0x2E)
        appendTwoDigits(cents % 100)
    }

    /// Appends a field holding a Double in its shortest exact form.
    mutating func field(_ number: Double) {
        separate()
        bytes.append(contentsOf: number.description.utf8)
    }

    /// Appends a field holding a UTC timestamp in ISO 8601 (`2025-03-04T14:05:09Z`).
    mutating func field(timestamp seconds: Int64) {
        separate()
        var (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        if secondOfDay < 0 { days -= 1; secondOfDay += 86_400 }
        let civil = CivilDate(daysSinceEpoch: days)
        let s = Int(secondOfDay)
        appendTwoDigits(civil.year / 100)
        appendTwoDigits(civil.year % 100)
        bytes.append(0x2D)
        appendTwoDigits(civil.month)
        bytes.append(0x2D)
        appendTwoDigits(civil.day)
        bytes.append(0x54)
        appendTwoDigits(s / 3600)
        bytes.append(0x3A)
        appendTwoDigits(s / 60 % 60)
        bytes.append(0x3A)
        appendTwoDigits(s % 60)
        bytes.append(0x5A)
    }

    /// Appends an optional timestamp: empty when `nil`.
    mutating func field(timestamp seconds: Int64?) {
        if let seconds { field(timestamp: seconds) } else { emptyField() }
    }

    /// Ends the row.
    mutating func endRow() {
        bytes.append(0x0A)
        atLineStart = true
    }

    private mutating func appendTwoDigits(_ value: Int) {
        bytes.append(0x30 + UInt8(truncatingIfNeeded: value / 10))
        bytes.append(0x30 + UInt8(truncatingIfNeeded: value % 10))
    }

    private mutating func appendDigits(_ number: Int) {
        precondition(number >= 0, "CSVRows writes non-negative integers only")
        var power = 1
        while number / power >= 10 { power *= 10 }
        while power > 0 {
            bytes.append(0x30 + UInt8(truncatingIfNeeded: number / power % 10))
            power /= 10
        }
    }
}

/// A proleptic Gregorian calendar date, from a count of days since 1970-01-01.
struct CivilDate: Equatable {
    let year: Int
    let month: Int
    let day: Int

    /// The date `days` days after 1970-01-01 (negative: before).
    init(daysSinceEpoch days: Int64) {
        // Count in 400-year eras starting on 0000-03-01, so that the leap day ends each year.
        let shifted = Int(days) + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days from 1970-01-01 to `year-month-day`.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int64(era * 146_097 + dayOfEra - 719_468)
    }
}
