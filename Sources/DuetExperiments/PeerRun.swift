import DuetEnvironments
import DuetLearners
import DuetNumerics
import DuetRandom
import DuetRunFormat

/// Everything one peer owns in a run, in two halves that know nothing of each other: the environment side
/// (``EnvironmentRunner``: environment copies, episodes, evaluation) and the experience side
/// (``ReplaySchedule``: replay memory and learning cadence), joined by the learner. The trainer drives peers
/// through their phases (collect, learn, log, evaluate); a peer never refers to another peer, so peers only
/// meet in the trainer's distillation phase.
///
/// Random streams are named `learner<i>/<purpose>` under the run's root seed, with purposes `initialization`,
/// `environment`, `exploration`, `replay`, `update`, `evaluation` and `distillation`; a single-learner run and
/// learner 0 of a k-peer run therefore draw exactly the same numbers.
///
/// A peer is confined to one thread at a time: the `lockstep` schedule runs peers' phases on several threads
/// but never lets two threads touch the same peer, and joins them before a peer reads another (hence
/// `@unchecked Sendable`).
public final class PeerRun: @unchecked Sendable {
    /// The peer's index i among the run's k peers.
    public let index: Int
    /// The peer's name, `learner<i>`, used in stream names, folder names and messages.
    public let name: String
    /// The learner being trained.
    public internal(set) var learner: any OffPolicyLearner
    /// The learner's hyper-parameters.
    public let configuration: LearnerConfiguration
    /// Evaluation settings.
    public let evaluation: EvaluationConfiguration
    /// The environment side.
    let runner: EnvironmentRunner
    /// The experience side.
    private(set) var schedule: ReplaySchedule
    private let updates: UpdateLog
    private let explorationStream, replayStream, updateStream: RandomStream
    /// The stream distillation batches are drawn with (used by the trainer's distillation phase).
    public let distillationStream: RandomStream
    private var batch = ReplayBatch()

    /// Creates peer `index`: its learner (networks drawn from its `initialization` stream), environment copies
    /// and streams; opens its logs in `folder/learner<index>`.
    init(index: Int, environment registration: EnvironmentRegistration, configuration: LearnerConfiguration,
         training: TrainingConfiguration, evaluation: EvaluationConfiguration, root: RandomStream,
         folder: RunFolder) throws {
        self.index = index
        name = RunFormat.learnerFolder(index)
        let streams = root.child(name)
        learner = makeLearner(configuration: configuration, observationDimension: registration.observationDimension,
                              actionDimension: registration.actionDimension,
                              initialization: streams.child("initialization"))
        self.configuration = configuration
        self.evaluation = evaluation
        let environmentStream = streams.child("environment")
        explorationStream = streams.child("exploration")
        replayStream = streams.child("replay")
        updateStream = streams.child("update")
        let evaluationStream = streams.child("evaluation")
        distillationStream = streams.child("distillation")
        schedule = ReplaySchedule(training: training, observationDimension: registration.observationDimension,
                                  actionDimension: registration.actionDimension)
        let logFolder = try RunFolder.create(at: folder.file(name))
        runner = try EnvironmentRunner(name: name, registration: registration, environmentStream: environmentStream,
                                       evaluationStream: evaluationStream, folder: logFolder)
        updates = try UpdateLog(folder: logFolder, statistics: learner.updateColumns,
                                interval: training.updateLogInterval)
        learner.observe(runner.observation)
    }

    /// The collection and learning settings of this peer.
    public var training: TrainingConfiguration { schedule.training }
    /// Environment steps taken so far by this peer.
    public var stepsTaken: Int { runner.counters.steps }
    /// Return of the last finished episode, for progress lines.
    public var lastEpisodeReturn: Double? { runner.counters.lastEpisodeReturn }
    /// Episodes finished so far.
    public var episodesFinished: Int { runner.counters.episodes }
    /// The peer's states for its peers' distillation: its replay buffer.
    public var distillationStates: ReplayBuffer { schedule.buffer }

    // MARK: Phases

    /// Collect: one environment step with a uniformly random action before `learningStarts` steps and the
    /// learner's exploration action after; the transition goes to the replay memory.
    func collectStep() throws {
        let observation = runner.observation
        let action: [Float]
        if schedule.isWarmingUp(stepsTaken: stepsTaken) {
            action = (0..<learner.actionDimension).map { _ in Float(explorationStream.uniform(from: -1, to: 1)) }
        } else {
            action = learner.explorationAction(for: observation, using: explorationStream)
        }
        let transition = try runner.step(action)
        schedule.record(observation: observation, action: action, transition: transition)
        if transition.isLast { learner.episodeDidEnd(using: explorationStream) }
        learner.observe(runner.observation)
    }

    /// Learn: the updates the schedule says are due, each on a batch from the replay memory.
    /// - Returns: the number of updates made.
    @discardableResult
    func learnIfDue() -> Int {
        let count = schedule.updatesDue(stepsTaken: stepsTaken, episodesFinished: episodesFinished)
        for _ in 0..<count {
            schedule.sample(count: configuration.batchSize, using: replayStream, into: &batch)
            updates.add(learner.update(on: batch, using: updateStream))
        }
        return count
    }

    /// Log: a row of mean update statistics if an update-log interval has just ended.
    func logUpdatesIfDue() throws { try updates.flushIfDue(step: stepsTaken) }

    /// Whether an evaluation is due after the step just taken, given the run's steps per peer.
    func isEvaluationDue(totalSteps: Int) -> Bool {
        stepsTaken % evaluation.every == 0 || stepsTaken == totalSteps
    }

    /// Evaluate: the deterministic policy for `evaluation.episodes` episodes on the evaluation copy.
    @discardableResult
    func evaluate() throws -> [Double] {
        let learner = self.learner
        return try runner.evaluate(episodes: evaluation.episodes) { learner.deterministicAction(for: $0) }
    }
}
