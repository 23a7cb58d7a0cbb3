#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Steele, Lea and Flood's SplitMix64: a small, fast, seeded generator.
///
/// Benchmarks need the same data on every run and every machine, which the system generator
/// does not promise; the quality of SplitMix64 is ample for synthetic features.
///
///     var random = SplitMix64(seed: 42)
///     let u = Double.random(in: 0..<1, using: &random)
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in the open interval (0, 1): never 0, so its logarithm is finite.
    public mutating func nextOpenUnit() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// Two independent standard normal values (Box–Muller).
    public mutating func nextNormalPair() -> (Double, Double) {
        let radius = (-2 * log(nextOpenUnit())).squareRoot()
        let angle = 2 * Double.pi * nextOpenUnit()
        return (radius * cos(angle), radius * sin(angle))
    }
}
