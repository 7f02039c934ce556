import DuetEnvironments
import DuetLearners
import DuetNumerics
import DuetRandom

/// Why training stopped early.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// The environment rejected an action (for example a NaN from a diverged learner).
    case environmentRejectedAction(learner: String, step: Int, reason: String)

    public var description: String {
        switch self {
        case let .environmentRejectedAction(learner, step, reason):
            return "\(learner) at environment step \(step): \(reason)"
        }
    }
}

/// Everything one learner owns in a run: its environment copies, replay buffer, learner, random streams, logs
/// and episode bookkeeping. The trainer drives slots through their phases (collect, learn, evaluate); a slot
/// never refers to another slot, so a peer is only ever reached through the trainer.
///
/// Random streams are named `learner<i>/<purpose>` under the run's root seed, with purposes `initialization`,
/// `environment`, `exploration`, `replay`, `update`, `evaluation` and `distillation`; a single-learner run and learner 0 of a
/// dual run therefore draw exactly the same numbers.
///
/// A slot is confined to one thread at a time: the `lockstep` schedule runs the two slots' phases on two threads
/// but never lets two threads touch the same slot, and joins them before a slot reads its peer (hence
/// `@unchecked Sendable`).
public final class LearnerSlot: @unchecked Sendable {
    /// The slot's name, `learner<i>`, used in stream names, folder names and messages.
    public let name: String
    /// The learner being trained.
    public internal(set) var learner: any OffPolicyLearner
    /// The learner's hyper-parameters.
    public let configuration: OffPolicyConfiguration
    /// The learner's replay buffer.
    public internal(set) var buffer: ReplayBuffer
    /// Trainer-level settings (buffer, learning start, update cadence).
    public let training: TrainingConfiguration
    /// Evaluation settings.
    public let evaluation: EvaluationConfiguration
    /// Environment steps taken so far by this learner.
    public private(set) var stepsTaken = 0
    /// Episodes finished so far.
    public private(set) var episodesFinished = 0
    /// Gradient updates made so far.
    public private(set) var updatesMade = 0
    /// Return of the last finished episode, for progress lines.
    public private(set) var lastEpisodeReturn: Double?

    private var environment: any Environment
    private var evaluationEnvironment: any Environment
    private let actionSpace: BoxSpace
    /// Streams by purpose.
    let environmentStream, explorationStream, replayStream, updateStream, evaluationStream: RandomStream
    /// The stream distillation batches are drawn with (used by the dual trainer).
    public let distillationStream: RandomStream

    private var observation: [Float] = []
    private var episodeReturn = 0.0
    private var episodeLength = 0
    private var batch = ReplayBatch()
    private var updateSums: [Double]
    private var updateCounts: [Int]
    private var updatesInInterval = 0
    private var stepsSinceLearning = 0
    private var episodeJustEnded = false

    private let episodesLog: CSVLog
    private let evaluationsLog: CSVLog
    private let updatesLog: CSVLog

    /// Column headers of the slot's logs.
    public static let episodeColumns = ["step", "episode", "return", "length"]
    /// Column headers of `evaluations.csv`.
    public static let evaluationColumns = ["step", "episodes", "return_mean", "return_std", "return_min", "return_max"]

    /// Creates slot `index`: its learner (networks drawn from its `initialization` stream), environment
    /// copies and streams; opens its logs in `folder/learner<index>`.
    public init(index: Int, environment registration: EnvironmentRegistration, configuration: OffPolicyConfiguration,
                training: TrainingConfiguration, evaluation: EvaluationConfiguration, root: RandomStream,
                folder: RunFolder) throws {
        name = "learner\(index)"
        let streams = root.child(name)
        let learner = makeLearner(configuration: configuration,
                                  observationDimension: registration.observationDimension,
                                  actionDimension: registration.actionDimension,
                                  initialization: streams.child("initialization"))
        self.configuration = configuration
        environmentStream = streams.child("environment")
        explorationStream = streams.child("exploration")
        replayStream = streams.child("replay")
        updateStream = streams.child("update")
        evaluationStream = streams.child("evaluation")
        distillationStream = streams.child("distillation")
        self.learner = learner
        self.training = training
        self.evaluation = evaluation
        environment = registration.make()
        evaluationEnvironment = registration.make()
        actionSpace = environment.actionSpace
        buffer = ReplayBuffer(capacity: training.bufferSize, observationDimension: registration.observationDimension,
                              actionDimension: registration.actionDimension)
        updateSums = Array(repeating: 0, count: learner.updateColumns.count)
        updateCounts = Array(repeating: 0, count: learner.updateColumns.count)
        let logFolder = try RunFolder.create(at: folder.file(name))
        episodesLog = try logFolder.log("episodes.csv", columns: Self.episodeColumns)
        evaluationsLog = try logFolder.log("evaluations.csv", columns: Self.evaluationColumns)
        updatesLog = try logFolder.log("updates.csv", columns: ["step", "updates"] + learner.updateColumns)
        observation = environment.reset(using: environmentStream)
        self.learner.observe(observation)
    }

    // MARK: Collect

    /// Takes one environment step: a uniformly random action before `learningStarts` steps, the learner's
    /// exploration action after; stores the transition; finishes the episode if it ended.
    public func collectStep() throws {
        let action: [Float]
        if stepsTaken < training.learningStarts {
            action = (0..<actionSpace.dimension).map { _ in Float(explorationStream.uniform(from: -1, to: 1)) }
        } else {
            action = learner.explorationAction(for: observation, using: explorationStream)
        }
        let transition: Transition
        do {
            transition = try environment.step(rescaled(action), using: environmentStream)
        } catch {
            throw TrainingError.environmentRejectedAction(learner: name, step: stepsTaken + 1,
                                                          reason: String(describing: error))
        }
        stepsTaken += 1
        stepsSinceLearning += 1
        episodeJustEnded = transition.isLast
        buffer.append(observation: observation, action: action, reward: Float(transition.reward),
                      nextObservation: transition.observation, isTerminal: transition.isTerminal,
                      isTruncated: transition.isTruncated)
        episodeReturn += transition.reward
        episodeLength += 1
        if transition.isLast {
            episodesFinished += 1
            lastEpisodeReturn = episodeReturn
            try episodesLog.append([CSVLog.format(stepsTaken), CSVLog.format(episodesFinished),
                                    CSVLog.format(episodeReturn), CSVLog.format(episodeLength)])
            episodeReturn = 0
            episodeLength = 0
            learner.episodeDidEnd(using: explorationStream)
            observation = environment.reset(using: environmentStream)
        } else {
            observation = transition.observation
        }
        learner.observe(observation)
    }

    /// Maps an action from the learner's [−1, 1]ᵈ to the environment's box: low + (a + 1)·(high − low)/2.
    private func rescaled(_ action: [Float]) -> [Float] {
        guard actionSpace.isBounded else { return action }
        return action.indices.map { index in
            actionSpace.low[index] + (action[index] + 1) * 0.5 * (actionSpace.high[index] - actionSpace.low[index])
        }
    }

    // MARK: Learn

    /// Whether the step just taken ends a training period: every `trainFrequency` steps, or at the end of every
    /// `trainFrequency`-th episode (SB3's `train_freq`).
    private var isTrainingBoundary: Bool {
        switch training.trainFrequencyUnit {
        case .step: return stepsTaken % training.trainFrequency == 0
        case .episode: return episodeJustEnded && episodesFinished % training.trainFrequency == 0
        }
    }

    /// At the end of a training period, once more than `learningStarts` steps have been taken (SB3), runs
    /// `gradientSteps` updates on batches of the configured size from the replay buffer — or, for −1, one per
    /// step collected in the period — accumulating their statistics.
    /// - Returns: the number of updates made.
    @discardableResult
    public func learnIfDue() -> Int {
        guard isTrainingBoundary else { return 0 }
        let collected = stepsSinceLearning
        stepsSinceLearning = 0
        guard stepsTaken > training.learningStarts else { return 0 }
        let count = training.gradientSteps < 0 ? collected : training.gradientSteps
        for _ in 0..<count {
            buffer.sample(count: configuration.batchSize, using: replayStream, into: &batch)
            let statistics = learner.update(on: batch, using: updateStream)
            updatesMade += 1
            updatesInInterval += 1
            for (index, value) in statistics.values.enumerated() where !value.isNaN {
                updateSums[index] += value
                updateCounts[index] += 1
            }
        }
        return count
    }

    /// Writes a row of mean update statistics if an update-log interval has just ended.
    public func logUpdatesIfDue() throws {
        guard stepsTaken % training.updateLogInterval == 0, updatesInInterval > 0 else { return }
        let means = updateSums.indices.map { updateCounts[$0] > 0 ? updateSums[$0] / Double(updateCounts[$0]) : .nan }
        try updatesLog.append([CSVLog.format(stepsTaken), CSVLog.format(updatesInInterval)]
                              + means.map(CSVLog.format))
        for index in updateSums.indices {
            updateSums[index] = 0
            updateCounts[index] = 0
        }
        updatesInInterval = 0
    }

    // MARK: Evaluate

    /// Whether an evaluation is due after the step just taken, given the run's total steps.
    public func isEvaluationDue(totalSteps: Int) -> Bool {
        stepsTaken % evaluation.every == 0 || stepsTaken == totalSteps
    }

    /// Runs the deterministic policy for `evaluation.episodes` episodes on the evaluation environment and
    /// logs the returns' mean, population standard deviation, minimum and maximum.
    @discardableResult
    public func evaluate() throws -> [Double] {
        var returns: [Double] = []
        for _ in 0..<evaluation.episodes {
            var current = evaluationEnvironment.reset(using: evaluationStream)
            var total = 0.0
            while true {
                let transition: Transition
                do {
                    transition = try evaluationEnvironment.step(rescaled(learner.deterministicAction(for: current)),
                                                                using: evaluationStream)
                } catch {
                    throw TrainingError.environmentRejectedAction(learner: name + " (evaluation)", step: stepsTaken,
                                                                  reason: String(describing: error))
                }
                total += transition.reward
                if transition.isLast { break }
                current = transition.observation
            }
            returns.append(total)
        }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count)
        try evaluationsLog.append([CSVLog.format(stepsTaken), CSVLog.format(returns.count), CSVLog.format(mean),
                                   CSVLog.format(variance.squareRoot()), CSVLog.format(returns.min() ?? .nan),
                                   CSVLog.format(returns.max() ?? .nan)])
        return returns
    }
}
