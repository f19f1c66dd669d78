/// The caseload's own pseudo-random generator: xoshiro256** (Blackman and Vigna, 2018), seeded through SplitMix64.
///
/// Deliberately not a `RandomNumberGenerator`: the standard library's random algorithms (`shuffled`,
/// `randomElement`, `Int.random(in:using:)`) are free to change between Swift versions, and the caseload must be
/// byte-identical for the same seed on any machine. Every draw here is integer arithmetic (or an exact IEEE-754
/// comparison in ``chance(_:)``), so the stream is the same everywhere.
struct SampleRandom {
    private var state0: UInt64
    private var state1: UInt64
    private var state2: UInt64
    private var state3: UInt64

    /// Seeds the four words of state from `seed` with SplitMix64 (the seeding the xoshiro authors recommend).
    ///
    /// - Parameters:
    ///   - seed: the caller's seed.
    ///   - stream: separates independent streams drawn from one seed (the household stream, the mistake stream).
    init(seed: UInt64, stream: UInt64) {
        var mix = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        state0 = SampleRandom.splitMix64(&mix)
        state1 = SampleRandom.splitMix64(&mix)
        state2 = SampleRandom.splitMix64(&mix)
        state3 = SampleRandom.splitMix64(&mix)
    }

    /// One SplitMix64 step (Steele, Lea and Flood, 2014).
    static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    private static func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        let result = SampleRandom.rotateLeft(state1 &* 5, 7) &* 9
        let shifted = state1 << 17
        state2 ^= state0
        state3 ^= state1
        state1 ^= state2
        state0 ^= state3
        state2 ^= shifted
        state3 = SampleRandom.rotateLeft(state3, 45)
        return result
    }

    /// A whole number in `0..<count` (the high word of a 64×64-bit product: Lemire's method without the rejection
    /// step; the bias is below 2⁻⁴⁰ for the small counts used here).
    mutating func below(_ count: Int) -> Int {
        precondition(count > 0, "count must be positive")
        return Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(count)).high)
    }

    /// A whole number in `range`.
    mutating func within(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.count)
    }

    /// A 64-bit whole number in `range` (amounts in fen).
    mutating func within(_ range: ClosedRange<Int64>) -> Int64 {
        let count = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int64(next().multipliedFullWidth(by: count).high)
    }

    /// `true` with probability `percent` / 100.
    mutating func percent(_ percent: Int) -> Bool {
        below(100) < percent
    }

    /// `true` with probability `probability` (an exact comparison of a 53-bit fraction: the same on every machine).
    mutating func chance(_ probability: Double) -> Bool {
        Double(next() >> 11) * 0x1.0p-53 < probability
    }

    /// An index of `table`, drawn with the table's weights.
    mutating func pick(_ table: WeightTable) -> Int {
        let draw = below(table.total)
        var index = 0
        while table.cumulative[index] <= draw { index += 1 }
        return index
    }
}

/// Integer weights for ``SampleRandom/pick(_:)``: index `i` is drawn with probability `weights[i] / Σ weights`.
struct WeightTable: Sendable {
    /// Running sums of the weights.
    let cumulative: [Int]
    /// The sum of the weights.
    let total: Int

    init(_ weights: [Int]) {
        var sum = 0
        cumulative = weights.map { weight in
            precondition(weight >= 0, "weights are not negative")
            sum += weight
            return sum
        }
        total = sum
        precondition(total > 0, "at least one weight is positive")
    }
}
