/// The scores of two arms' runs with the same seed on one task: in an ablation (`duet ablate`) the two arms of a
/// seed start from the same initial weights and the same random streams, so their scores are paired.
public struct SeedPair: Sendable, Equatable {
    /// The task.
    public var task: String
    /// The seed both runs have.
    public var seed: UInt64
    /// The score of arm X's run.
    public var armScore: Double
    /// The score of baseline Y's run.
    public var baselineScore: Double

    /// A pair from the two runs' scores.
    public init(task: String, seed: UInt64, armScore: Double, baselineScore: Double) {
        self.task = task
        self.seed = seed
        self.armScore = armScore
        self.baselineScore = baselineScore
    }

    /// X − Y.
    public var difference: Double { armScore - baselineScore }
}

/// Two arms' runs on one task matched by seed, and the seeds that could not be matched.
public struct SeedPairing: Sendable, Equatable {
    /// The task.
    public var task: String
    /// The pairs, by seed.
    public var pairs: [SeedPair]
    /// Seeds of arm X without a partner (absent from the baseline), sorted.
    public var unpairedArmSeeds: [UInt64]
    /// Seeds of the baseline without a partner, likewise.
    public var unpairedBaselineSeeds: [UInt64]
}

extension ScoreSet {
    /// The runs of `arm` and `baseline` on `task` matched by seed. A seed is paired when each arm has exactly one
    /// scored run with it (``RunSet`` already refuses two runs of one arm, task and seed; the check only guards
    /// against a guess); the other seeds are listed as unpaired, and left out of every paired statistic.
    public func pairing(arm: String, baseline: String, task: String) -> SeedPairing {
        func scoresBySeed(_ arm: String) -> [UInt64: [Double]] {
            var result: [UInt64: [Double]] = [:]
            for score in scores where score.metadata.arm == arm && score.metadata.task == task {
                result[score.metadata.seed, default: []].append(score.value)
            }
            return result
        }
        let x = scoresBySeed(arm)
        let y = scoresBySeed(baseline)
        var pairs: [SeedPair] = []
        for seed in x.keys.sorted() {
            if let armScores = x[seed], let baselineScores = y[seed], armScores.count == 1, baselineScores.count == 1 {
                pairs.append(SeedPair(task: task, seed: seed, armScore: armScores[0], baselineScore: baselineScores[0]))
            }
        }
        let paired = Set(pairs.map(\.seed))
        return SeedPairing(task: task, pairs: pairs,
                           unpairedArmSeeds: x.keys.filter { !paired.contains($0) }.sorted(),
                           unpairedBaselineSeeds: y.keys.filter { !paired.contains($0) }.sorted())
    }
}
