import CGSL

/// Direct access to the state of GSL's `gsl_rng_mt19937`.
///
/// GSL stores it as `struct { unsigned long mt[624]; int mti; }` (gsl/rng/mt.c), with 32 significant bits per
/// word. Seeding through `gsl_rng_set` would allow only 2^32 distinct streams; writing the words directly gives
/// each named stream a full 19,937-bit state, as NumPy's `SeedSequence` does.
enum MersenneTwisterState {
    /// Words in the MT19937 state vector.
    static let wordCount = 624

    /// Replaces `generator`'s state with `words` and marks the state vector as exhausted, so the next draw
    /// regenerates it (the same convention as GSL's own `mt_set`).
    static func fill(_ generator: UnsafeMutablePointer<gsl_rng>, with words: [UInt32]) {
        precondition(words.count == wordCount)
        precondition(gsl_rng_size(generator) >= MemoryLayout<CUnsignedLong>.stride * wordCount
                     + MemoryLayout<CInt>.size, "unexpected GSL MT19937 state layout")
        guard let raw = gsl_rng_state(generator) else { fatalError("GSL generator has no state") }
        let vector = raw.bindMemory(to: CUnsignedLong.self, capacity: wordCount)
        var anyNonZero = false
        for index in 0..<wordCount {
            vector[index] = CUnsignedLong(words[index])
            anyNonZero = anyNonZero || words[index] != 0
        }
        // An all-zero state would be a fixed point of the recurrence; MT's convention is to set the top bit.
        if !anyNonZero { vector[0] = 0x8000_0000 }
        let position = (raw + MemoryLayout<CUnsignedLong>.stride * wordCount)
            .bindMemory(to: CInt.self, capacity: 1)
        position.pointee = CInt(wordCount)
    }
}
