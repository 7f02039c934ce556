/// Running mean and variance of a vector-valued stream, for observation normalisation.
///
/// Batches are merged with Chan et al.'s parallel algorithm, as Stable-Baselines3's and OpenAI baselines'
/// `RunningMeanStd` do; the count starts at ε = 1e-4 so the first normalisation is defined. Normalisation is
/// (x − μ) / √(σ² + 1e-8), clipped to ±``clip`` (the reference DDPG clips at 5). Kept in Double; plain data, so it
/// round-trips through checkpoints.
public struct RunningMeanStandardDeviation: Codable, Sendable, Equatable {
    /// Running mean μ per dimension.
    public private(set) var mean: [Double]
    /// Running (population) variance σ² per dimension.
    public private(set) var variance: [Double]
    /// Effective number of samples seen, starting at ε.
    public private(set) var count: Double
    /// Normalised values are clipped to [−clip, clip].
    public var clip: Double

    /// Statistics of `dimension` dimensions with mean 0, variance 1 and count ε = 1e-4.
    public init(dimension: Int, clip: Double = 5, epsilon: Double = 1e-4) {
        mean = Array(repeating: 0, count: dimension)
        variance = Array(repeating: 1, count: dimension)
        count = epsilon
        self.clip = clip
    }

    /// Statistics with the given state, as a checkpoint stored them.
    /// - Precondition: `mean` and `variance` have the same length; `count` > 0.
    public init(mean: [Double], variance: [Double], count: Double, clip: Double) {
        precondition(mean.count == variance.count && count > 0, "running statistics need matching μ, σ² and a count > 0")
        self.mean = mean
        self.variance = variance
        self.count = count
        self.clip = clip
    }

    /// Merges one observation into the statistics.
    public mutating func update(with sample: [Float]) {
        precondition(sample.count == mean.count, "sample has \(sample.count) values, statistics have \(mean.count)")
        let total = count + 1
        for index in mean.indices {
            let delta = Double(sample[index]) - mean[index]
            mean[index] += delta / total
            // M2 = var·n + 0 + δ²·n·1/(n+1); var' = M2/(n+1)
            variance[index] = (variance[index] * count + delta * delta * count / total) / total
        }
        count = total
    }

    /// `sample` normalised: (x − μ) / √(σ² + 1e-8), clipped to ±clip.
    public func normalize(_ sample: [Float]) -> [Float] {
        var result = sample
        normalize(&result)
        return result
    }

    /// Normalises `sample` in place.
    public func normalize(_ sample: inout [Float]) {
        for index in sample.indices {
            let value = (Double(sample[index]) - mean[index]) / (variance[index] + 1e-8).squareRoot()
            sample[index] = Float(min(max(value, -clip), clip))
        }
    }
}
