import DuetNumerics

/// A small deterministic ``RandomSource`` for tests: SplitMix64 (Steele, Lea and Flood 2014), 53-bit uniforms.
///
/// Tests of the numeric core use it instead of DuetRandom so that DuetNumerics' tests depend on nothing else.
public struct SeededSource: RandomSource, Sendable {
    /// The generator state.
    public var state: UInt64

    /// A source seeded with `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func nextBits() -> UInt64 {
        state = state &+ 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A uniform draw from [0, 1) with 53 bits of resolution.
    public mutating func nextUniform() -> Double {
        Double(nextBits() >> 11) * 0x1p-53
    }

    /// A `rows × columns` matrix of uniform draws from [`low`, `high`).
    public mutating func matrix<Scalar: BLASScalar>(rows: Int, columns: Int, from low: Double = -1,
                                                    to high: Double = 1) -> Matrix<Scalar> {
        var result = Matrix<Scalar>(rows: rows, columns: columns)
        for row in 0..<rows {
            for column in 0..<columns {
                result[row, column] = Scalar(nextUniform(from: low, to: high))
            }
        }
        return result
    }
}
