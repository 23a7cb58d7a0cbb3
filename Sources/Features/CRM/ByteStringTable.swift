/// Interns byte strings (ids, category levels) as dense indices `0, 1, 2, …` in order of first
/// insertion, and finds them again from raw bytes without making a `String`.
///
/// The events table is looked up once or twice per row, tens of millions of times, in tables
/// of up to millions of ids, so a lookup should touch one cache line: each slot holds the first
/// 16 bytes of its key, its length and its index, and only keys longer than 16 bytes are
/// compared against the byte arena.
///
/// Ids are mostly one prefix and a number (`P1`, `P2`, …). While every key is, the table finds
/// a key by its number in an array of indices instead: 4 bytes a number rather than a 24-byte
/// slot per half-filled place, so the millions of contact ids fit in the processor's cache
/// where their hash slots did not. The first key of another form moves every key into the
/// hash slots, once.
struct ByteStringTable: Sendable {
    private struct Slot {
        /// The key's first 16 bytes, zero-padded.
        var head0: UInt64 = 0
        var head1: UInt64 = 0
        /// Key index + 1 (0 = empty slot) in the low 32 bits, the key length in the high 32.
        var meta: UInt64 = 0
    }

    /// The form of keys that are one prefix and a number written without leading zeros.
    fileprivate struct NumberForm: Sendable {
        /// The prefix's bytes as in `heads(_:)`, and masks of the bytes it covers.
        var prefix0: UInt64 = 0, prefix1: UInt64 = 0, mask0: UInt64 = 0, mask1: UInt64 = 0
        var prefixLength = 0

        /// The form whose prefix is that of `bytes` (the bytes before its first digit), or
        /// `nil` when `bytes` has no digit or a prefix of more than 15 bytes.
        init?(prefixOf bytes: UnsafeBufferPointer<UInt8>, head0: UInt64, head1: UInt64) {
            guard let length = bytes.firstIndex(where: { $0 &- 48 < 10 }), length < 16 else { return nil }
            prefixLength = length
            mask0 = length >= 8 ? ~0 : (1 << UInt64(8 * length)) - 1
            mask1 = length <= 8 ? 0 : (1 << UInt64(8 * (length - 8))) - 1
            prefix0 = head0 & mask0
            prefix1 = head1 & mask1
        }

        /// The number of the key with these heads (`heads(_:)`) and length, when it is the
        /// prefix and 1–15 digits without a leading zero; otherwise `nil`.
        @inline(__always)
        func number(head0: UInt64, head1: UInt64, length: Int) -> Int? {
            guard length > prefixLength, length <= 16, length - prefixLength <= 15,
                  head0 & mask0 == prefix0, head1 & mask1 == prefix1 else { return nil }
            if length <= 8 { return ByteStringTable.number(digits: head0 >> UInt64(8 * prefixLength), count: length - prefixLength) }
            var n = 0
            for k in prefixLength..<length {
                let digit = UInt8(truncatingIfNeeded: k < 8 ? head0 >> UInt64(8 * k) : head1 >> UInt64(8 * (k - 8))) &- 48
                guard digit < 10, digit > 0 || k > prefixLength || length == prefixLength + 1 else { return nil }
                n = n * 10 + Int(digit)
            }
            return n
        }
    }

    /// The number written by the `count` (1–8) bytes of `digits`, the first in the lowest byte
    /// (the rest zero), when they are digits without a leading zero; otherwise `nil`. All
    /// bytes at once: checked with masks, then combined in three multiplications (as Lemire's
    /// eight-digit parse does).
    @inline(__always)
    fileprivate static func number(digits: UInt64, count: Int) -> Int? {
        let used: UInt64 = count == 8 ? ~0 : (1 << UInt64(8 * count)) - 1
        let zeros: UInt64 = 0x3030_3030_3030_3030
        let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0 & used
        // Each byte is 0x30–0x39: its high half is 3, and still 3 after adding 6.
        guard digits & high == zeros & used, (digits &+ (0x0606_0606_0606_0606 & used)) & high == zeros & used,
              digits & 0xFF != 0x30 || count == 1 else { return nil }
        // Pad to eight digits with leading zeros, then pair digits, pairs and quadruples.
        let pad = UInt64(8 * (8 - count))
        var value = (digits << pad) | (zeros & ((1 << pad) - 1))
        value = ((value & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) >> 8
        value = ((value & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        return Int(((value & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32)
    }

    /// Keys of one `NumberForm`, found by number.
    private struct NumberedKeys: Sendable {
        /// Set by the first key.
        var form: NumberForm?
        /// `indices[n]` is the index of the key numbered `n`, or -1.
        var indices: [Int32] = []

        /// The index of the key numbered `n` (`nil` for no number), or -1.
        @inline(__always)
        func index(ofNumber n: Int?) -> Int32 {
            guard let n, n < indices.count else { return -1 }
            return indices[n]
        }
    }

    private var arena: [UInt8] = []
    /// `offsets[i] ..< offsets[i + 1]` is key `i` in `arena`.
    private var offsets: [Int] = [0]
    /// While every key is numbered, the keys by number; `nil` once one is not, and then every
    /// key is in `slots`.
    private var numbered: NumberedKeys? = NumberedKeys()
    /// Keys' hashes, filled when the keys move into `slots`.
    private var hashes: [UInt64] = []
    /// A power-of-two count, at most half full; unused while the keys are numbered.
    private var slots = [Slot](repeating: Slot(), count: 16)
    /// The most keys a caller said to expect.
    private var expectedKeys = 0

    /// The number of distinct keys.
    var count: Int { offsets.count - 1 }

    /// Whether keys are found by number (every key so far is one prefix and a number).
    var findsByNumber: Bool { numbered != nil }

    /// Key `index` as text.
    func key(at index: Int) -> String {
        String(decoding: arena[offsets[index]..<offsets[index + 1]], as: UTF8.self)
    }

    /// Every key, in index order.
    var keys: [String] { (0..<count).map(key(at:)) }

    /// The index of `bytes`, or `nil` when it was never inserted.
    func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard numbered == nil else { return numberedIndex(of: bytes) }
        return probe(bytes).index
    }

    /// `index(of:)` while the keys are numbered; kept out of line, so that the hash probe of
    /// small tables (event types, looked up once per event) is inlined where it is called.
    @inline(never)
    private func numberedIndex(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let (head0, head1) = Self.heads(bytes)
        let index = numbered!.index(ofNumber: numbered!.form?.number(head0: head0, head1: head1, length: bytes.count))
        return index < 0 ? nil : Int(index)
    }

    /// Looks `bytes` up: its index when present, else the empty slot where it would go; and
    /// its hash and heads, so that an insert computes them once.
    @inline(__always)
    private func probe(_ bytes: UnsafeBufferPointer<UInt8>) -> (index: Int?, position: Int, hash: UInt64, head0: UInt64, head1: UInt64) {
        let (head0, head1) = Self.heads(bytes)
        let hash = Self.hash(bytes, head0: head0, head1: head1)
        let length = UInt64(bytes.count) << 32
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var position = Int(truncatingIfNeeded: hash) & mask
            while true {
                let slot = slots[position]
                if slot.meta == 0 { return (nil, position, hash, head0, head1) }
                if slot.meta & 0xFFFF_FFFF_0000_0000 == length && slot.head0 == head0 && slot.head1 == head1 {
                    let index = Int(truncatingIfNeeded: slot.meta & 0xFFFF_FFFF) - 1
                    if bytes.count <= 16 || tailEquals(index, UnsafeBufferPointer(rebasing: bytes[16...])) {
                        return (index, position, hash, head0, head1)
                    }
                }
                position = (position + 1) & mask
            }
        }
    }

    /// Makes room for `keys` keys in all without growing again (the table otherwise doubles,
    /// placing every key anew each time).
    mutating func reserveCapacity(_ keys: Int) {
        expectedKeys = max(expectedKeys, keys)
        arena.reserveCapacity(keys * 8)
        offsets.reserveCapacity(keys + 1)
        if numbered != nil {
            numbered!.indices.reserveCapacity(keys + 1)
            return
        }
        var capacity = slots.count
        while capacity < 2 * keys { capacity *= 2 }
        if capacity > slots.count { rehash(capacity: capacity) }
        hashes.reserveCapacity(keys)
    }

    /// The index of `text`, or `nil` when it was never inserted.
    func index(of text: String) -> Int? {
        var text = text
        return text.withUTF8 { index(of: $0) }
    }

    /// Inserts `bytes` if new.
    ///
    /// - Returns: The key's index and whether it was new.
    @discardableResult
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> (index: Int, inserted: Bool) {
        if numbered != nil {
            if let result = insertNumbered(bytes) { return result }
            moveIntoSlots()
        }
        let found = probe(bytes)
        if let existing = found.index { return (existing, false) }
        let index = count
        arena.append(contentsOf: bytes)
        offsets.append(arena.count)
        hashes.append(found.hash)
        if count * 2 > slots.count {
            rehash(capacity: slots.count * 2)
        } else {
            slots[found.position] = Slot(head0: found.head0, head1: found.head1,
                                         meta: UInt64(bytes.count) << 32 | UInt64(index + 1))
        }
        return (index, true)
    }

    /// Inserts `bytes` by its number, or returns `nil` when it is not a numbered key (or its
    /// number is far beyond the keys' count, which would make the array mostly empty).
    private mutating func insertNumbered(_ bytes: UnsafeBufferPointer<UInt8>) -> (index: Int, inserted: Bool)? {
        let (head0, head1) = Self.heads(bytes)
        if numbered!.form == nil {
            guard let form = NumberForm(prefixOf: bytes, head0: head0, head1: head1) else { return nil }
            numbered!.form = form
        }
        guard let n = numbered!.form!.number(head0: head0, head1: head1, length: bytes.count),
              n < 8 * max(count, expectedKeys) + 65_536, n < Int(Int32.max) else { return nil }
        let existing = numbered!.index(ofNumber: n)
        if existing >= 0 { return (Int(existing), false) }
        if n >= numbered!.indices.count {
            numbered!.indices.append(contentsOf: repeatElement(-1, count: max(n + 1, 2 * numbered!.indices.count)
                                                                            - numbered!.indices.count))
        }
        let index = count
        numbered!.indices[n] = Int32(index)
        arena.append(contentsOf: bytes)
        offsets.append(arena.count)
        return (index, true)
    }

    /// Puts every key into the hash slots, for good.
    private mutating func moveIntoSlots() {
        numbered = nil
        hashes = arena.withUnsafeBufferPointer { arena in
            (0..<count).map { Self.hash(UnsafeBufferPointer(rebasing: arena[offsets[$0]..<offsets[$0 + 1]])) }
        }
        hashes.reserveCapacity(expectedKeys)
        var capacity = 16
        while capacity < 2 * max(count + 1, expectedKeys) { capacity *= 2 }
        rehash(capacity: capacity)
    }

    /// Inserts `text` if new.
    @discardableResult
    mutating func insert(_ text: String) -> (index: Int, inserted: Bool) {
        var text = text
        return text.withUTF8 { insert($0) }
    }

    /// Whether key `index` is `tail.count + 16` bytes long and ends with `tail`, given that
    /// its first 16 bytes already matched.
    private func tailEquals(_ index: Int, _ tail: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = offsets[index] + 16
        guard offsets[index + 1] - start == tail.count else { return false }
        return arena.withUnsafeBufferPointer { arena in
            for k in 0..<tail.count where arena[start + k] != tail[k] { return false }
            return true
        }
    }

    private mutating func place(_ index: Int) {
        let mask = slots.count - 1
        var position = Int(truncatingIfNeeded: hashes[index]) & mask
        while slots[position].meta != 0 { position = (position + 1) & mask }
        let (head0, head1) = arena.withUnsafeBufferPointer { arena in
            Self.heads(UnsafeBufferPointer(rebasing: arena[offsets[index]..<offsets[index + 1]]))
        }
        let length = UInt64(offsets[index + 1] - offsets[index])
        slots[position] = Slot(head0: head0, head1: head1, meta: length << 32 | UInt64(index + 1))
    }

    private mutating func rehash(capacity: Int) {
        slots = [Slot](repeating: Slot(), count: capacity)
        for index in 0..<count { place(index) }
    }

    /// The first 16 bytes as two little-endian words, zero-padded.
    ///
    /// Short keys (ids like `P1234567`) are read with two overlapping loads rather than byte by
    /// byte: this runs twice per event row.
    @inline(__always)
    fileprivate static func heads(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        let n = bytes.count
        guard let base = bytes.baseAddress else { return (0, 0) }
        let raw = UnsafeRawPointer(base)
        func word(_ offset: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        func half(_ offset: Int) -> UInt64 {
            UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        }
        if n >= 16 { return (word(0), word(8)) }
        // The last load overlaps the first; shifting drops the bytes read twice (a shift by 64
        // or more gives 0 in Swift).
        if n >= 8 { return (word(0), word(n - 8) >> UInt64((16 - n) * 8)) }
        if n >= 4 { return (half(0) | (half(n - 4) >> UInt64((8 - n) * 8)) << 32, 0) }
        var head: UInt64 = 0
        for k in 0..<n { head |= UInt64(bytes[k]) << UInt64(8 * k) }
        return (head, 0)
    }

    /// A 64-bit hash: the key's length and two 16-byte heads each mixed in with a multiply,
    /// then any further bytes eight at a time, and a final avalanche so that the low bits
    /// (which pick the slot) depend on every byte.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let (head0, head1) = heads(bytes)
        return hash(bytes, head0: head0, head1: head1)
    }

    /// `hash(_:)` of `bytes` whose `heads(_:)` are known.
    @inline(__always)
    fileprivate static func hash(_ bytes: UnsafeBufferPointer<UInt8>, head0: UInt64, head1: UInt64) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        h = (h ^ head0) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 32
        h = (h ^ head1) &* 0xC4CE_B9FE_1A85_EC53
        if bytes.count > 16 {
            let raw = UnsafeRawBufferPointer(bytes)
            var i = 16
            while i + 8 <= bytes.count {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 32
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < bytes.count {
                tail |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        }
        h ^= h >> 29
        h = h &* 0xFF51_AFD7_ED55_8CCD
        return h ^ (h >> 32)
    }

    /// Looks up every key of `batch`, writing its index (or -1 when absent, or when the key is
    /// marked missing) into `result`.
    ///
    /// Two passes over the batch: the first only touches each key's first slot, so that the
    /// memory system fetches all of them at once instead of one cache miss after another; the
    /// second probes, from cache. A key the batch marked as repeating the one before it takes
    /// that key's result without probing.
    func lookUp(_ batch: KeyBatch, into result: inout [Int32]) {
        result.removeAll(keepingCapacity: true)
        if let numbered {
            // Each key's number first, then its index: the loads of the second loop do not
            // depend on one another, so their cache misses overlap.
            batch.keys.withUnsafeBufferPointer { keys in
                let limit = UInt64(numbered.indices.count)
                for key in keys {
                    if batch.numberForm != nil {
                        result.append(key.length >= 0 && key.hash < limit ? Int32(truncatingIfNeeded: key.hash) : -1)
                        continue
                    }
                    let n = key.length < 0 ? nil
                        : numbered.form?.number(head0: key.head0, head1: key.head1, length: Int(key.length))
                    result.append(n.map { UInt64($0) < limit ? Int32(truncatingIfNeeded: $0) : -1 } ?? -1)
                }
            }
            numbered.indices.withUnsafeBufferPointer { indices in
                result.withUnsafeMutableBufferPointer { result in
                    for i in result.indices where result[i] >= 0 { result[i] = indices[Int(result[i])] }
                }
            }
            return
        }
        precondition(batch.numberForm == nil, "A key batch made for a table of numbered keys, looked up in another.")
        slots.withUnsafeBufferPointer { slots in
            batch.keys.withUnsafeBufferPointer { keys in
                let mask = slots.count - 1
                var sink: UInt64 = 0
                for key in keys where key.length >= 0 && !key.repeatsPrevious {
                    sink &+= slots[Int(truncatingIfNeeded: key.hash) & mask].meta
                }
                for (i, key) in keys.enumerated() {
                    guard key.length >= 0 else {
                        result.append(-1)
                        continue
                    }
                    if key.repeatsPrevious {
                        result.append(result[i - 1])
                        continue
                    }
                    let length = UInt64(key.length) << 32
                    var position = Int(truncatingIfNeeded: key.hash) & mask
                    var found: Int32 = -1
                    while true {
                        let slot = slots[position]
                        if slot.meta == 0 { break }
                        if slot.meta & 0xFFFF_FFFF_0000_0000 == length && slot.head0 == key.head0 && slot.head1 == key.head1 {
                            let index = Int(truncatingIfNeeded: slot.meta & 0xFFFF_FFFF) - 1
                            if key.length <= 16 || batch.withTail(at: i, { tailEquals(index, $0) }) {
                                found = Int32(index)
                                break
                            }
                        }
                        position = (position + 1) & mask
                    }
                    result.append(found)
                }
                // Keeps the touching loop from being optimized away; never true in practice.
                if sink == 1 { result.append(-2) }
            }
        }
    }

    /// Keys gathered for `lookUp(_:into:)`: hash, first 16 bytes and length of each, and the
    /// bytes after the first 16 of long keys (short keys are whole in their heads). A batch
    /// made for a table whose keys are numbered (`init(for:)`) keeps each key's number instead
    /// of its hash.
    ///
    /// Exports often list one contact's or one lead's events together, so a short key equal to
    /// the one appended just before is marked as a repeat: it is neither hashed nor probed.
    struct KeyBatch {
        fileprivate struct Key {
            /// The hash, or with a `numberForm`, the key's number (`UInt64.max` for none).
            var hash: UInt64
            var head0: UInt64
            var head1: UInt64
            /// -1 marks a missing key.
            var length: Int32
            /// Where the bytes after the first 16 start in `tails`.
            var tailStart: Int32
            /// The same key as the one before it in the batch (short keys only).
            var repeatsPrevious = false
        }

        fileprivate private(set) var keys: [Key] = []
        private var tails: [UInt8] = []
        /// The form of the keys of the table the batch was made for, while it finds them by number.
        fileprivate let numberForm: NumberForm?

        /// A batch for any table.
        init() { numberForm = nil }

        /// A batch for `table`, only: while the table's keys are numbered, each key's number
        /// is read as it is appended.
        init(for table: ByteStringTable) { numberForm = table.numbered?.form }

        var count: Int { keys.count }

        /// Whether key `i` was appended as missing.
        func isMissing(_ i: Int) -> Bool { keys[i].length < 0 }

        mutating func append(_ key: UnsafeBufferPointer<UInt8>) {
            let (head0, head1) = ByteStringTable.heads(key)
            if key.count <= 16, var previous = keys.last, previous.length == Int32(truncatingIfNeeded: key.count),
               previous.head0 == head0, previous.head1 == head1 {
                previous.repeatsPrevious = true
                keys.append(previous)
                return
            }
            let tailStart = Int32(truncatingIfNeeded: tails.count)
            if key.count > 16 { tails.append(contentsOf: UnsafeBufferPointer(rebasing: key[16...])) }
            let hash: UInt64
            if let numberForm {
                hash = numberForm.number(head0: head0, head1: head1, length: key.count).map(UInt64.init) ?? .max
            } else {
                hash = ByteStringTable.hash(key, head0: head0, head1: head1)
            }
            keys.append(Key(hash: hash, head0: head0, head1: head1, length: Int32(truncatingIfNeeded: key.count),
                            tailStart: tailStart))
        }

        mutating func appendMissing() {
            keys.append(Key(hash: .max, head0: 0, head1: 0, length: -1, tailStart: Int32(truncatingIfNeeded: tails.count)))
        }

        mutating func removeAll() {
            keys.removeAll(keepingCapacity: true)
            tails.removeAll(keepingCapacity: true)
        }

        /// Runs `body` on the bytes after the first 16 of key `i`.
        fileprivate func withTail<Result>(at i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
            let start = Int(keys[i].tailStart)
            let length = max(0, Int(keys[i].length) - 16)
            return tails.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<start + length])) }
        }

        /// Key `i` as text ("" when missing), for messages.
        func key(at i: Int) -> String {
            let key = keys[i]
            guard key.length > 0 else { return "" }
            var bytes: [UInt8] = []
            for k in 0..<min(16, Int(key.length)) {
                let word = k < 8 ? key.head0 : key.head1
                bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(8 * (k % 8))))
            }
            withTail(at: i) { bytes.append(contentsOf: $0) }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
