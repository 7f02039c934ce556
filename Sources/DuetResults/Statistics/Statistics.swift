/// Aggregate statistics of run scores, as defined by rliable (Agarwal et al., "Deep Reinforcement Learning at the
/// Edge of the Statistical Precipice", NeurIPS 2021).
///
/// Scores are held task by task: `scores[m][i]` is run i's score on task m, for M tasks with N_m runs each
/// (rliable's N×M matrix, allowing a different N per task). The aggregates below pool all Σ N_m scores.
public enum Statistics {
    /// The arithmetic mean x̄ = (1/n) Σ xᵢ.
    /// - Precondition: `values` is non-empty.
    public static func mean(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "the mean of no values is undefined")
        return values.reduce(0, +) / Double(values.count)
    }

    /// The median: the middle value of the sorted values, or the mean of the two middle values when n is even
    /// (NumPy's `median`).
    /// - Precondition: `values` is non-empty.
    public static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "the median of no values is undefined")
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The interquartile mean (IQM): sort the n values, drop the lowest and the highest k = ⌊0.25·n⌋, and
    /// average the n − 2k that remain (SciPy's `trim_mean(values, 0.25)`, which rliable uses).
    ///
    /// For n < 4 nothing is dropped and the IQM is the mean.
    /// - Precondition: `values` is non-empty.
    public static func interquartileMean(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "the interquartile mean of no values is undefined")
        let sorted = values.sorted()
        let cut = sorted.count / 4  // ⌊0.25·n⌋
        var sum = 0.0
        for index in cut..<(sorted.count - cut) { sum += sorted[index] }
        return sum / Double(sorted.count - 2 * cut)
    }

    /// The optimality gap (1/n) Σ max(0, γ − xᵢ): how far normalised scores fall short of the target γ on
    /// average, with scores above γ counting as γ (rliable's `aggregate_optimality_gap`). Lower is better.
    /// - Parameters:
    ///   - values: normalised scores.
    ///   - threshold: the target γ; 1 (the reference score) by default.
    /// - Precondition: `values` is non-empty.
    public static func optimalityGap(_ values: [Double], threshold: Double = 1) -> Double {
        precondition(!values.isEmpty, "the optimality gap of no values is undefined")
        return values.reduce(0) { $0 + max(0, threshold - $1) } / Double(values.count)
    }

    /// The unbiased sample variance s² = Σ (xᵢ − x̄)² / (n − 1).
    /// - Precondition: at least two values.
    public static func sampleVariance(_ values: [Double]) -> Double {
        precondition(values.count >= 2, "the sample variance needs at least two values, got \(values.count)")
        let center = mean(values)
        return values.reduce(0) { $0 + ($1 - center) * ($1 - center) } / Double(values.count - 1)
    }

    /// The quantile at probability p of sorted values x₀ ≤ … ≤ x_{n−1} by linear interpolation between order
    /// statistics: with h = (n − 1)·p, j = ⌊h⌋ and g = h − j, Q(p) = x_j + g·(x_{j+1} − x_j).
    ///
    /// This is Hyndman and Fan's definition 7, NumPy's default (`np.percentile(values, 100·p)`, method
    /// `"linear"`), computed the way NumPy does (from the upper neighbour when g ≥ ½) so results agree to the
    /// last bit or so.
    /// - Precondition: `sorted` is non-empty and sorted ascending; 0 ≤ p ≤ 1.
    public static func quantile(sorted: [Double], probability: Double) -> Double {
        precondition(!sorted.isEmpty, "the quantile of no values is undefined")
        precondition(probability >= 0 && probability <= 1, "a probability must be in [0, 1], got \(probability)")
        let position = Double(sorted.count - 1) * probability
        let below = min(Int(position.rounded(.down)), sorted.count - 1)
        let above = min(below + 1, sorted.count - 1)
        let fraction = position - Double(below)
        let low = sorted[below]
        let high = sorted[above]
        let difference = high - low
        return fraction >= 0.5 ? high - difference * (1 - fraction) : low + difference * fraction
    }
}

/// An aggregate of scores pooled over runs and tasks, chosen by name (for options and output labels).
public enum ScoreStatistic: Sendable, Hashable {
    /// ``Statistics/mean(_:)``.
    case mean
    /// ``Statistics/median(_:)``.
    case median
    /// ``Statistics/interquartileMean(_:)``.
    case interquartileMean
    /// ``Statistics/optimalityGap(_:threshold:)`` with target γ = `threshold`.
    case optimalityGap(threshold: Double)

    /// The statistic of the pooled values.
    public func value(of values: [Double]) -> Double {
        switch self {
        case .mean: return Statistics.mean(values)
        case .median: return Statistics.median(values)
        case .interquartileMean: return Statistics.interquartileMean(values)
        case let .optimalityGap(threshold): return Statistics.optimalityGap(values, threshold: threshold)
        }
    }

    /// The statistic of all scores of all tasks pooled (`scores[task][run]`).
    public func value(ofTasks scores: [[Double]]) -> Double {
        value(of: scores.flatMap { $0 })
    }

    /// A short lower-case name for labels and column names: `mean`, `median`, `iqm`, `optimality_gap`.
    public var name: String {
        switch self {
        case .mean: return "mean"
        case .median: return "median"
        case .interquartileMean: return "iqm"
        case .optimalityGap: return "optimality_gap"
        }
    }

    /// The name as a figure legend or caption says it: `mean`, `median`, `IQM`, `optimality gap`.
    public var displayName: String {
        switch self {
        case .mean: return "mean"
        case .median: return "median"
        case .interquartileMean: return "IQM"
        case .optimalityGap: return "optimality gap"
        }
    }
}
