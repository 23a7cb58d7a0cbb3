/// Interns byte strings (ids, category levels) as dense indices `0, 1, 2, …` in order of first
/// insertion, and finds them again from raw bytes without making a `String`.
///
/// The events table is looked up once or twice per row, tens of millions of times, in tables
/// of up to millions of ids, so a lookup should touch one cache line: each slot holds the first
/// 16 bytes of its key, its length and its index, and only keys longer than 16 bytes are
/// compared against the byte arena.
struct ByteStringTable: Sendable {
    private struct Slot {
        /// The key's first 16 bytes, zero-padded.
        var head0: UInt64 = 0
        var head1: UInt64 = 0
        /// Key index + 1 (0 = empty slot) in the low 32 bits, the key length in the high 32.
        var meta: UInt64 = 0
    }

    private var arena: [UInt8] = []
    /// `offsets[i] ..< offsets[i + 1]` is key `i` in `arena`.
    private var offsets: [Int] = [0]
    private var hashes: [UInt64] = []
    /// A power-of-two count, at most half full.
    private var slots = [Slot](repeating: Slot(), count: 16)

    /// The number of distinct keys.
    var count: Int { hashes.count }

    /// Key `index` as text.
    func key(at index: Int) -> String {
        String(decoding: arena[offsets[index]..<offsets[index + 1]], as: UTF8.self)
    }

    /// Every key, in index order.
    var keys: [String] { (0..<count).map(key(at:)) }

    /// The index of `bytes`, or `nil` when it was never inserted.
    func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = Self.hash(bytes)
        let (head0, head1) = Self.heads(bytes)
        let length = UInt64(bytes.count) << 32
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var position = Int(truncatingIfNeeded: hash) & mask
            while true {
                let slot = slots[position]
                if slot.meta == 0 { return nil }
                if slot.meta & 0xFFFF_FFFF_0000_0000 == length && slot.head0 == head0 && slot.head1 == head1 {
                    let index = Int(truncatingIfNeeded: slot.meta & 0xFFFF_FFFF) - 1
                    if bytes.count <= 16 || tailEquals(index, bytes) { return index }
                }
                position = (position + 1) & mask
            }
        }
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
        if let existing = index(of: bytes) { return (existing, false) }
        let index = count
        arena.append(contentsOf: bytes)
        offsets.append(arena.count)
        hashes.append(Self.hash(bytes))
        if count * 2 > slots.count {
            rehash(capacity: slots.count * 2)
        } else {
            place(index)
        }
        return (index, true)
    }

    /// Inserts `text` if new.
    @discardableResult
    mutating func insert(_ text: String) -> (index: Int, inserted: Bool) {
        var text = text
        return text.withUTF8 { insert($0) }
    }

    private func tailEquals(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = offsets[index]
        guard offsets[index + 1] - start == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { arena in
            for k in 16..<bytes.count where arena[start + k] != bytes[k] { return false }
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
    @inline(__always)
    fileprivate static func heads(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        let raw = UnsafeRawBufferPointer(bytes)
        if bytes.count >= 16 {
            return (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { target in
            target.copyMemory(from: raw)
        }
        return (UInt64(littleEndian: words.0), UInt64(littleEndian: words.1))
    }

    /// A 64-bit hash: eight bytes at a time, each word mixed in with a multiply, and a final
    /// avalanche so that the low bits (which pick the slot) depend on every byte.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var i = 0
        let raw = UnsafeRawBufferPointer(bytes)
        while i + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
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
        h ^= h >> 29
        h = h &* 0xFF51_AFD7_ED55_8CCD
        return h ^ (h >> 32)
    }

    /// Looks up every key of `batch`, writing its index (or -1 when absent, or when the key is
    /// marked missing) into `result`.
    ///
    /// Two passes over the batch: the first only touches each key's first slot, so that the
    /// memory system fetches all of them at once instead of one cache miss after another; the
    /// second probes, from cache.
    func lookUp(_ batch: KeyBatch, into result: inout [Int32]) {
        result.removeAll(keepingCapacity: true)
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var sink: UInt64 = 0
            for i in 0..<batch.count where batch.lengths[i] >= 0 {
                sink &+= slots[Int(truncatingIfNeeded: batch.hashes[i]) & mask].meta
            }
            for i in 0..<batch.count {
                let length = batch.lengths[i]
                guard length >= 0 else {
                    result.append(-1)
                    continue
                }
                let key = UInt64(length) << 32
                var position = Int(truncatingIfNeeded: batch.hashes[i]) & mask
                var found: Int32 = -1
                while true {
                    let slot = slots[position]
                    if slot.meta == 0 { break }
                    if slot.meta & 0xFFFF_FFFF_0000_0000 == key && slot.head0 == batch.heads0[i] && slot.head1 == batch.heads1[i] {
                        let index = Int(truncatingIfNeeded: slot.meta & 0xFFFF_FFFF) - 1
                        if length <= 16 || batch.withKey(at: i, { tailEquals(index, $0) }) {
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

    /// Keys gathered for `lookUp(_:into:)`: hash, first 16 bytes and length of each, and the
    /// bytes themselves (for long keys and for messages).
    struct KeyBatch {
        fileprivate(set) var hashes: [UInt64] = []
        fileprivate(set) var heads0: [UInt64] = []
        fileprivate(set) var heads1: [UInt64] = []
        /// -1 marks a missing key.
        fileprivate(set) var lengths: [Int32] = []
        private var starts: [Int] = []
        private var bytes: [UInt8] = []

        var count: Int { lengths.count }

        mutating func append(_ key: UnsafeBufferPointer<UInt8>) {
            hashes.append(ByteStringTable.hash(key))
            let (head0, head1) = ByteStringTable.heads(key)
            heads0.append(head0)
            heads1.append(head1)
            lengths.append(Int32(key.count))
            starts.append(bytes.count)
            bytes.append(contentsOf: key)
        }

        mutating func appendMissing() {
            hashes.append(0)
            heads0.append(0)
            heads1.append(0)
            lengths.append(-1)
            starts.append(bytes.count)
        }

        mutating func removeAll() {
            hashes.removeAll(keepingCapacity: true)
            heads0.removeAll(keepingCapacity: true)
            heads1.removeAll(keepingCapacity: true)
            lengths.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            bytes.removeAll(keepingCapacity: true)
        }

        func withKey<Result>(at i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
            bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[starts[i]..<starts[i] + max(0, Int(lengths[i]))])) }
        }

        func key(at i: Int) -> String { withKey(at: i) { String(decoding: $0, as: UTF8.self) } }
    }
}
