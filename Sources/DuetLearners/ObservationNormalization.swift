import DuetNumerics

/// What a learner does to raw observations before its networks see them: nothing, or normalisation by running
/// statistics, (x − μ)/√(σ² + 10⁻⁸) clipped to ±clip (the reference DDPG's `normalize_observations`).
///
/// The batch path (replay batches, distillation states) and the single path (acting) compute the same
/// expression in Double, so a state gives bit-identical network inputs either way. The per-dimension scale
/// 1/√(σ² + 10⁻⁸) is refreshed whenever the statistics change, so the batch path allocates nothing.
struct ObservationNormalization: Sendable, Equatable {
    /// The running statistics, or `nil` when observations pass through unchanged.
    private(set) var statistics: RunningMeanStandardDeviation?
    /// 1/√(σ² + 10⁻⁸) per dimension, from ``statistics``.
    private var scales: [Double]

    /// Pass-through when `isEnabled` is false; otherwise statistics of `dimension` dimensions starting at mean 0,
    /// variance 1, clipped at ±`clip`.
    init(dimension: Int, isEnabled: Bool, clip: Double) {
        statistics = isEnabled ? RunningMeanStandardDeviation(dimension: dimension, clip: clip) : nil
        scales = []
        refreshScales()
    }

    /// Normalisation by the given statistics.
    init(statistics: RunningMeanStandardDeviation) {
        self.statistics = statistics
        scales = []
        refreshScales()
    }

    /// Merges one collected observation into the statistics (nothing when disabled).
    mutating func observe(_ observation: [Float]) {
        guard statistics != nil else { return }
        statistics?.update(with: observation)
        refreshScales()
    }

    /// Writes the network input for a batch of raw observations into `prepared`.
    func prepare(_ raw: Matrix<Float>, into prepared: inout Matrix<Float>) {
        prepared.assign(raw)
        guard let statistics else { return }
        let dimension = raw.columns
        precondition(dimension == statistics.mean.count,
                     "observations have \(dimension) columns, the statistics \(statistics.mean.count)")
        let clip = statistics.clip
        statistics.mean.withUnsafeBufferPointer { mean in
            scales.withUnsafeBufferPointer { scale in
                prepared.withUnsafeMutableBufferPointer { buffer in
                    for row in 0..<raw.rows {
                        for column in 0..<dimension {
                            let index = row &* dimension &+ column
                            let value = (Double(buffer[index]) - mean[column]) * scale[column]
                            buffer[index] = Float(min(max(value, -clip), clip))
                        }
                    }
                }
            }
        }
    }

    /// The network input for one raw observation.
    func prepare(_ raw: [Float]) -> [Float] {
        guard let statistics else { return raw }
        precondition(raw.count == statistics.mean.count,
                     "an observation of \(raw.count) values, statistics of \(statistics.mean.count)")
        var result = raw
        for column in result.indices {
            let value = (Double(raw[column]) - statistics.mean[column]) * scales[column]
            result[column] = Float(min(max(value, -statistics.clip), statistics.clip))
        }
        return result
    }

    private mutating func refreshScales() {
        guard let variance = statistics?.variance else {
            scales = []
            return
        }
        if scales.count != variance.count { scales = Array(repeating: 0, count: variance.count) }
        for index in variance.indices { scales[index] = 1 / (variance[index] + 1e-8).squareRoot() }
    }
}
