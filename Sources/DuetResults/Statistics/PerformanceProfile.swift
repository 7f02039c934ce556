/// A performance profile (rliable's score distribution): for each threshold τ of a grid, the fraction of runs
/// whose normalised score exceeds τ,
///
///     F(τ) = (1/M) Σ_m (1/N_m) Σᵢ 1[x_{m,i} > τ],
///
/// i.e. the fraction on each task, averaged over tasks (with the same N on every task this is rliable's fraction
/// of all N·M scores). F is non-increasing in τ; a profile lying above another one everywhere dominates it
/// stochastically.
public struct PerformanceProfile: Sendable, Equatable {
    /// The thresholds τ, in the order given.
    public var thresholds: [Double]
    /// F(τ) for each threshold.
    public var fractions: [Double]
    /// The bootstrap interval of each F(τ), if bands were asked for.
    public var bands: [ConfidenceInterval]?

    /// The profile of `scores[task][run]` over `thresholds`, without bands.
    /// - Precondition: at least one task, each with at least one run.
    public init(scores: [[Double]], thresholds: [Double]) {
        self.thresholds = thresholds
        self.fractions = Self.fractions(scores, thresholds: thresholds)
        self.bands = nil
    }

    /// The profile with bootstrap bands: each replicate (``StratifiedBootstrap``, runs resampled within tasks)
    /// recomputes the whole profile, and the band at τ is the percentile interval of that threshold's replicates.
    public init(scores: [[Double]], thresholds: [Double], bootstrap: StratifiedBootstrap,
                using source: inout some ResampleSource) {
        self.init(scores: scores, thresholds: thresholds)
        var replicates = [[Double]](repeating: [], count: thresholds.count)
        bootstrap.forEachReplicate(of: scores, using: &source) { resampled in
            for (index, fraction) in Self.fractions(resampled, thresholds: thresholds).enumerated() {
                replicates[index].append(fraction)
            }
        }
        bands = replicates.map { bootstrap.interval(from: $0) }
    }

    /// F(τ) for each τ.
    public static func fractions(_ scores: [[Double]], thresholds: [Double]) -> [Double] {
        precondition(!scores.isEmpty && scores.allSatisfy { !$0.isEmpty },
                     "a performance profile needs at least one task with at least one run")
        let sortedTasks = scores.map { $0.sorted() }
        return thresholds.map { threshold in
            var sum = 0.0
            for runs in sortedTasks {
                // Runs above τ: count minus those at or below τ (binary search on the sorted runs).
                var low = 0
                var high = runs.count
                while low < high {
                    let middle = (low + high) / 2
                    if runs[middle] <= threshold { low = middle + 1 } else { high = middle }
                }
                sum += Double(runs.count - low) / Double(runs.count)
            }
            return sum / Double(sortedTasks.count)
        }
    }

    /// `count` evenly spaced thresholds from `start` to `end` inclusive (NumPy's `linspace`).
    /// - Precondition: `count` ≥ 2.
    public static func thresholds(from start: Double, to end: Double, count: Int) -> [Double] {
        precondition(count >= 2, "a threshold grid needs at least two points, got \(count)")
        let step = (end - start) / Double(count - 1)
        return (0..<count).map { $0 == count - 1 ? end : start + Double($0) * step }
    }
}
