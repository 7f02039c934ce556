/// Arm X against baseline Y paired by seed: the per-seed differences Δ = X − Y of runs with the same seed (in an
/// ablation, the same initial weights), their mean and IQM with bootstrap intervals, and the Wilcoxon
/// signed-rank test.
///
/// Pairing removes the seed-to-seed variation both arms share, which the unpaired comparison
/// (``ArmComparison/probabilityOfImprovement``, Welch's test) cannot. Seeds without a partner are listed in
/// ``pairings`` and left out.
///
/// - The intervals are ``StratifiedBootstrap`` percentile intervals over the differences, with tasks as strata
///   (so a replicate resamples seed pairs, keeping each pair's two runs together).
/// - The test is per task: an aggregate row (several tasks) has none.
/// - With no pair at all, the statistics are NaN and there is no test.
public struct PairedComparison: Sendable, Equatable {
    /// The matching of seeds on each task the row covers.
    public var pairings: [SeedPairing]
    /// Mean of the differences.
    public var meanDifference: Double
    /// Its bootstrap interval.
    public var meanInterval: ConfidenceInterval
    /// IQM of the differences (not the difference of IQMs).
    public var interquartileMeanDifference: Double
    /// Its bootstrap interval.
    public var interquartileMeanInterval: ConfidenceInterval
    /// The Wilcoxon signed-rank test of the differences; nil for an aggregate row or without pairs.
    public var wilcoxon: WilcoxonSignedRankTest?

    /// The pairs of every task, task by task.
    public var pairs: [SeedPair] { pairings.flatMap(\.pairs) }

    /// The differences task by task, tasks without pairs left out: the bootstrap's input.
    public var differences: [[Double]] {
        pairings.map { $0.pairs.map(\.difference) }.filter { !$0.isEmpty }
    }

    /// Whether any seed of either arm went unpaired.
    public var hasUnpairedSeeds: Bool {
        pairings.contains { !$0.unpairedArmSeeds.isEmpty || !$0.unpairedBaselineSeeds.isEmpty }
    }

    /// Computes the statistics of `pairings`, each interval from its own stream; the test only if `testing`
    /// (a single task).
    public init(pairings: [SeedPairing], bootstrap: StratifiedBootstrap, meanStream: inout some ResampleSource,
                interquartileMeanStream: inout some ResampleSource, testing: Bool) {
        self.pairings = pairings
        let matrix = pairings.map { $0.pairs.map(\.difference) }.filter { !$0.isEmpty }
        guard !matrix.isEmpty else {
            let undefined = ConfidenceInterval(lower: .nan, upper: .nan)
            (meanDifference, meanInterval) = (.nan, undefined)
            (interquartileMeanDifference, interquartileMeanInterval) = (.nan, undefined)
            wilcoxon = nil
            return
        }
        let pooled = matrix.flatMap { $0 }
        meanDifference = Statistics.mean(pooled)
        meanInterval = bootstrap.interval(of: .mean, scores: matrix, using: &meanStream)
        interquartileMeanDifference = Statistics.interquartileMean(pooled)
        interquartileMeanInterval = bootstrap.interval(of: .interquartileMean, scores: matrix,
                                                       using: &interquartileMeanStream)
        wilcoxon = testing ? WilcoxonSignedRankTest(pooled) : nil
    }
}
