/// A discretised Ornstein-Uhlenbeck process, temporally correlated exploration noise for DDPG and TD3.
///
/// Each call to ``next(using:)`` advances every dimension by
/// x ← x + θ·(μ − x)·dt + σ·√dt·ε, ε ~ N(0, 1),
/// as in Stable-Baselines3's `OrnsteinUhlenbeckActionNoise` (θ 0.15, dt 0.01 by default) and the reference
/// DDPG code. The process state is plain data (``value``), so it round-trips through checkpoints.
public struct OrnsteinUhlenbeckProcess: Codable, Sendable, Equatable {
    /// Long-run mean of each dimension. Denoted μ.
    public var mean: [Double]
    /// Noise scale of each dimension. Denoted σ.
    public var standardDeviation: [Double]
    /// Rate of mean reversion. Denoted θ.
    public var meanReversion: Double
    /// Time step of the discretisation. Denoted dt.
    public var timeStep: Double
    /// Value the process restarts from on ``reset()``; zeros if `nil`. Denoted x₀.
    public var initialValue: [Double]?
    /// The current value of the process, one entry per dimension. Denoted x.
    public private(set) var value: [Double]

    /// Creates a process at its initial value.
    /// - Precondition: `mean` and `standardDeviation` have the same length; `meanReversion` ≥ 0; `timeStep` > 0.
    public init(mean: [Double], standardDeviation: [Double], meanReversion: Double = 0.15,
                timeStep: Double = 1e-2, initialValue: [Double]? = nil) {
        precondition(mean.count == standardDeviation.count, "OU mean and σ must have the same length")
        precondition(meanReversion >= 0 && timeStep > 0, "OU needs θ ≥ 0 and dt > 0")
        precondition(initialValue.map { $0.count == mean.count } ?? true, "OU x₀ must match μ's length")
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.meanReversion = meanReversion
        self.timeStep = timeStep
        self.initialValue = initialValue
        self.value = initialValue ?? Array(repeating: 0, count: mean.count)
    }

    /// A process of `dimension` dimensions with mean 0 and the same σ in each.
    public init(dimension: Int, standardDeviation: Double, meanReversion: Double = 0.15, timeStep: Double = 1e-2) {
        self.init(mean: Array(repeating: 0, count: dimension),
                  standardDeviation: Array(repeating: standardDeviation, count: dimension),
                  meanReversion: meanReversion, timeStep: timeStep)
    }

    /// Advances the process one step and returns its new value.
    public mutating func next(using stream: RandomStream) -> [Double] {
        let scale = timeStep.squareRoot()
        for index in value.indices {
            let drift = meanReversion * (mean[index] - value[index]) * timeStep
            value[index] += drift + standardDeviation[index] * scale * stream.gaussian()
        }
        return value
    }

    /// Sets the process's current value x, as a checkpoint stored it.
    /// - Precondition: one value per dimension.
    public mutating func restore(value: [Double]) {
        precondition(value.count == mean.count, "an OU value needs \(mean.count) entries, got \(value.count)")
        self.value = value
    }

    /// Puts the process back at its initial value x₀ (at the start of each episode).
    public mutating func reset() {
        value = initialValue ?? Array(repeating: 0, count: mean.count)
    }
}
