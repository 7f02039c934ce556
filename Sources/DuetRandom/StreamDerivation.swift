/// The fixed function that turns a root seed and a stream name into a generator state.
///
/// The name's UTF-8 bytes are hashed with 64-bit FNV-1a; the hash and the seed are mixed by SplitMix64's
/// finaliser into one 64-bit key; a SplitMix64 sequence started at that key then yields the state words.
/// All of it is plain integer arithmetic, identical on every machine and in every process (unlike Swift's
/// per-process randomised `hashValue`). Changing this function changes every run's draws: it is part of
/// Duet's reproducibility contract and is pinned by golden-value tests.
public enum StreamDerivation {
    /// The 64-bit key of stream `name` under root `seed`.
    public static func key(seed: UInt64, name: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a offset basis
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3  // FNV-1a prime
        }
        return mix(seed ^ mix(hash &+ 0x9e37_79b9_7f4a_7c15))
    }

    /// `count` 32-bit words for the generator state of stream `name` under root `seed`.
    public static func stateWords(seed: UInt64, name: String, count: Int) -> [UInt32] {
        var state = key(seed: seed, name: name)
        var words: [UInt32] = []
        words.reserveCapacity(count)
        while words.count < count {
            state = state &+ 0x9e37_79b9_7f4a_7c15
            let value = mix(state)
            words.append(UInt32(truncatingIfNeeded: value))
            if words.count < count { words.append(UInt32(truncatingIfNeeded: value >> 32)) }
        }
        return words
    }

    /// SplitMix64's finaliser (Steele, Lea and Flood 2014): a bijective avalanche on 64 bits.
    @inline(__always)
    static func mix(_ input: UInt64) -> UInt64 {
        var z = input
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
