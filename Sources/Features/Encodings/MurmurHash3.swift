/// MurmurHash3's 32-bit x86 variant (Austin Appleby's public-domain `MurmurHash3_x86_32`), the
/// hash behind scikit-learn's `murmurhash3_32` and `FeatureHasher`.
enum MurmurHash3 {
    /// The hash of `bytes` with `seed`, as the signed 32-bit integer scikit-learn returns
    /// (`murmurhash3_32(key, seed, positive=False)`).
    ///
    /// - Complexity: O(bytes.count); no allocation.
    static func x86_32(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt32 = 0) -> Int32 {
        let c1: UInt32 = 0xcc9e_2d51, c2: UInt32 = 0x1b87_3593
        var h = seed
        let blockCount = bytes.count / 4
        // Blocks are read little-endian, byte by byte, so the result does not depend on the
        // machine's byte order or on the buffer's alignment.
        for block in 0..<blockCount {
            let i = block * 4
            var k = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
            k &*= c1
            k = k.rotatedLeft(by: 15)
            k &*= c2
            h ^= k
            h = h.rotatedLeft(by: 13)
            h = h &* 5 &+ 0xe654_6b64
        }
        let tail = blockCount * 4
        var k: UInt32 = 0
        switch bytes.count & 3 {
        case 3:
            k ^= UInt32(bytes[tail + 2]) << 16
            fallthrough
        case 2:
            k ^= UInt32(bytes[tail + 1]) << 8
            fallthrough
        case 1:
            k ^= UInt32(bytes[tail])
            k &*= c1
            k = k.rotatedLeft(by: 15)
            k &*= c2
            h ^= k
        default:
            break
        }
        h ^= UInt32(truncatingIfNeeded: bytes.count)
        h ^= h >> 16
        h &*= 0x85eb_ca6b
        h ^= h >> 13
        h &*= 0xc2b2_ae35
        h ^= h >> 16
        return Int32(bitPattern: h)
    }
}

extension UInt32 {
    /// The bits rotated left by `count` (0 < count < 32).
    @inline(__always)
    fileprivate func rotatedLeft(by count: UInt32) -> UInt32 {
        self << count | self >> (32 - count)
    }
}
