import CGSL

/// A seeded, named stream of random numbers: GSL's 32-bit Mersenne Twister (MT19937).
///
/// Every piece of randomness in a Duet run comes from one root seed. Each consumer (a learner's environment,
/// its exploration noise, replay sampling, distillation batches, initialisation, ...) owns its own stream,
/// derived from the root by a fixed function of the root seed and the stream's *name* (see
/// ``StreamDerivation``), never from `hashValue` and never by adding integers to the seed. Adding or removing
/// one consumer therefore leaves every other stream's draws unchanged, which is what lets Duet prove that
/// switching distillation off changes nothing but the distillation updates.
///
/// A stream is a reference type that owns a `gsl_rng`; it is neither thread-safe nor `Sendable`: give each
/// owner its own stream (``child(_:)``). Its complete state can be captured and restored exactly
/// (``state`` and ``restore(_:)``), for checkpoints.
///
/// ```swift
/// let root = RandomStream(seed: 7)
/// let environment = root.child("learner0").child("environment")
/// let angle = environment.uniform(from: -.pi, to: .pi)
/// ```
public final class RandomStream {
    /// The run's root seed this stream descends from.
    public let seed: UInt64
    /// The stream's path from the root, components joined by `/` (the root itself is `""`).
    public let name: String
    /// The GSL generator; owned, freed on `deinit`.
    @usableFromInline let generator: UnsafeMutablePointer<gsl_rng>

    /// Creates the stream called `name` of the run seeded with `seed`.
    ///
    /// The generator's whole 19,937-bit state is filled from ``StreamDerivation/stateWords(seed:name:count:)``,
    /// so distinct names give unrelated streams, not merely distinct 32-bit seeds.
    /// - Parameters:
    ///   - seed: the run's root seed.
    ///   - name: the stream's path from the root; `""` is the root stream.
    public init(seed: UInt64, name: String = "") {
        GSLRuntime.prepare()
        guard let generator = gsl_rng_alloc(duet_gsl_rng_mt19937()) else {
            fatalError("GSL could not allocate a random number generator (out of memory)")
        }
        self.seed = seed
        self.name = name
        self.generator = generator
        MersenneTwisterState.fill(generator, with: StreamDerivation.stateWords(
            seed: seed, name: name, count: MersenneTwisterState.wordCount))
    }

    deinit { gsl_rng_free(generator) }

    /// The stream named `component` below this one: `root.child("learner0").child("replay")` is the stream
    /// `learner0/replay`. Deriving a child does not consume draws from the parent.
    /// - Precondition: `component` is non-empty and contains no `/`.
    public func child(_ component: String) -> RandomStream {
        precondition(!component.isEmpty && !component.contains("/"),
                     "a stream name component must be non-empty and contain no '/': \(component)")
        return RandomStream(seed: seed, name: name.isEmpty ? component : name + "/" + component)
    }

    // MARK: Draws

    /// A uniform draw from [0, 1), with 32 bits of resolution (`gsl_rng_uniform`).
    @inlinable public func uniform() -> Double { gsl_rng_uniform(generator) }

    /// A uniform draw from [`low`, `high`): `low + (high − low)·u` with `u` from ``uniform()``.
    @inlinable public func uniform(from low: Double, to high: Double) -> Double {
        low + (high - low) * gsl_rng_uniform(generator)
    }

    /// A Gaussian draw with mean 0 and the given standard deviation, by GSL's ziggurat method
    /// (`gsl_ran_gaussian_ziggurat`, about 10 ns).
    @inlinable public func gaussian(standardDeviation: Double = 1) -> Double {
        gsl_ran_gaussian_ziggurat(generator, standardDeviation)
    }

    /// A uniform integer in 0..<`upperBound`, without modulo bias.
    /// - Precondition: `upperBound` > 0.
    public func integer(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "integer(below:) needs a positive upper bound, got \(upperBound)")
        if upperBound <= Int(UInt32.max) {
            // gsl_rng_uniform_int rejects rather than reduces modulo n, so the draw is unbiased.
            return Int(gsl_rng_uniform_int(generator, UInt(upperBound)))
        }
        // Above 2^32 − 1: rejection sampling on 64-bit words built from two draws.
        let bound = UInt64(upperBound)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let word = (UInt64(gsl_rng_get(generator)) << 32) | UInt64(gsl_rng_get(generator))
            if word < limit { return Int(word % bound) }
        }
    }

    /// Shuffles `elements` in place by the Fisher-Yates method, drawing with ``integer(below:)``.
    public func shuffle<Element>(_ elements: inout [Element]) {
        guard elements.count > 1 else { return }
        for index in stride(from: elements.count - 1, to: 0, by: -1) {
            let other = integer(below: index + 1)
            if other != index { elements.swapAt(index, other) }
        }
    }

    /// A Beta(`alpha`, `beta`) draw (`gsl_ran_beta`).
    /// - Precondition: both shape parameters are positive and finite.
    public func beta(_ alpha: Double, _ beta: Double) -> Double {
        precondition(alpha > 0 && beta > 0 && alpha.isFinite && beta.isFinite,
                     "Beta shape parameters must be positive and finite, got (\(alpha), \(beta))")
        return gsl_ran_beta(generator, alpha, beta)
    }
}
