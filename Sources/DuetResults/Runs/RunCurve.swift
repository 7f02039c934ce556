/// Which of a run's learners a score or curve is made of.
public enum LearnerSelection: Sendable, Hashable, CustomStringConvertible {
    /// All learners, combined at each evaluation step (a single-learner run is its own combination).
    case combined(LearnerCombination)
    /// Learner k alone (`learner<k>/`); asking for a learner a run lacks is an error.
    case learner(Int)

    /// `mean`, `max` or `learner<k>`: the label used in exports.
    public var description: String {
        switch self {
        case let .combined(combination): return combination.rawValue
        case let .learner(index): return "learner\(index)"
        }
    }
}

/// How a dual run's learners' returns at one evaluation step become the run's value there. The paper's
/// Table 1 reports both.
public enum LearnerCombination: String, Sendable, Hashable, CaseIterable {
    /// The mean of the learners' `return_mean`: the pair as a whole.
    case mean
    /// The best learner's `return_mean`: what deploying the better of the two gives.
    case max
}

/// One run's evaluation returns as a curve over its steps, for one ``LearnerSelection``.
///
/// For a combined selection of a dual run the curve is defined at the steps **every** learner was evaluated at
/// (the intersection of their steps); if the learners' steps differ, the curve carries a
/// ``ResultsWarning/learnerStepsDiffer(path:counts:common:)`` warning rather than combining returns measured at
/// different steps.
public struct RunCurve: Sendable, Equatable {
    /// The run folder's path.
    public var path: String
    /// The run's arm, seed and task.
    public var metadata: RunLabel
    /// Evaluation steps, strictly increasing.
    public var steps: [Int]
    /// The value at each step.
    public var values: [Double]
    /// Problems met while building the curve.
    public var warnings: [ResultsWarning]

    /// - Precondition: one value per step; steps strictly increase.
    public init(path: String, metadata: RunLabel, steps: [Int], values: [Double], warnings: [ResultsWarning] = []) {
        precondition(steps.count == values.count, "a curve needs one value per step")
        precondition(zip(steps, steps.dropFirst()).allSatisfy { $0 < $1 }, "a curve's steps must strictly increase")
        self.path = path
        self.metadata = metadata
        self.steps = steps
        self.values = values
        self.warnings = warnings
    }

    /// The curve with each value replaced by the trailing moving average of the last `window` values
    /// (v'_k = mean of v_{max(0, k−w+1)} … v_k). The first w − 1 points average the fewer values available, and
    /// no future value is used. A window of 1 leaves the curve unchanged.
    /// - Precondition: `window` ≥ 1.
    public func smoothed(window: Int) -> RunCurve {
        precondition(window >= 1, "a smoothing window must be at least 1, got \(window)")
        guard window > 1 else { return self }
        var copy = self
        copy.values = Self.trailingAverage(values, window: window)
        return copy
    }

    /// The curve's points at steps ≤ `step`: the run as if it had stopped there. Empty when the run's first
    /// evaluation comes after `step`.
    public func truncated(through step: Int) -> RunCurve {
        let count = steps.firstIndex { $0 > step } ?? steps.count
        guard count < steps.count else { return self }
        var copy = self
        copy.steps = Array(steps.prefix(count))
        copy.values = Array(values.prefix(count))
        return copy
    }

    /// The curve cut at `step` (``truncated(through:)``; the whole curve for nil), or nil, with a
    /// ``ResultsWarning/noEvaluationUntil(path:step:firstStep:)`` appended to `warnings`, when the run's first
    /// evaluation comes after `step`: what `--until` does to scores and curves alike.
    func cut(at step: Int?, warnings: inout [ResultsWarning]) -> RunCurve? {
        guard let step else { return self }
        let cut = truncated(through: step)
        guard cut.steps.isEmpty else { return cut }
        warnings.append(.noEvaluationUntil(path: path, step: step, firstStep: steps.first ?? 0))
        return nil
    }

    static func trailingAverage(_ values: [Double], window: Int) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(values.count)
        var sum = 0.0
        for index in values.indices {
            sum += values[index]
            if index >= window { sum -= values[index - window] }
            result.append(sum / Double(min(index + 1, window)))
        }
        return result
    }
}

extension Run {
    /// The run's evaluation curve for `selection` (see ``RunCurve`` for how learners are combined).
    /// - Throws: ``ResultsError/missingLearner(path:learner:available:)`` for a learner the run lacks;
    ///   ``ResultsError/insufficientData(context:reason:)`` if the learners share no evaluation step.
    public func curve(_ selection: LearnerSelection) throws -> RunCurve {
        switch selection {
        case let .learner(index):
            guard index >= 0, index < learners.count else {
                throw ResultsError.missingLearner(path: path, learner: index, available: learners.count)
            }
            return RunCurve(path: path, metadata: metadata, steps: learners[index].map(\.step),
                            values: learners[index].map(\.returnMean))
        case let .combined(combination):
            if learners.count == 1 {
                return RunCurve(path: path, metadata: metadata, steps: learners[0].map(\.step),
                                values: learners[0].map(\.returnMean))
            }
            var common = Set(learners[0].map(\.step))
            for evaluations in learners.dropFirst() { common.formIntersection(evaluations.map(\.step)) }
            let steps = common.sorted()
            guard !steps.isEmpty else {
                throw ResultsError.insufficientData(context: path,
                                                    reason: "the learners share no evaluation step to combine")
            }
            let lookups = learners.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.step, $0.returnMean) }) }
            let values = steps.map { step -> Double in
                let returns = lookups.compactMap { $0[step] }
                switch combination {
                case .mean: return returns.reduce(0, +) / Double(returns.count)
                case .max: return returns.max() ?? .nan
                }
            }
            var warnings: [ResultsWarning] = []
            if learners.contains(where: { $0.count != steps.count }) {
                warnings.append(.learnerStepsDiffer(path: path, counts: learners.map(\.count), common: steps.count))
            }
            return RunCurve(path: path, metadata: metadata, steps: steps, values: values, warnings: warnings)
        }
    }
}
