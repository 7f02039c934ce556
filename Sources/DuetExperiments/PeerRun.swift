import DuetDistillation
import DuetEnvironments
import DuetLearners
import DuetNumerics
import DuetRandom
import DuetRunFormat

/// Everything one peer owns in a run, in two halves that know nothing of each other: the environment side
/// (``EnvironmentRunner``: environment copies, episodes, evaluation) and the experience side of the learner's
/// family (``OffPolicyExperience``: replay memory and learning cadence; ``OnPolicyExperience``: rollouts of N
/// copies), joined by the learner. The trainer drives peers through their phases (collect, learn, log,
/// evaluate); a peer never refers to another peer, so peers only meet in the trainer's distillation phase.
///
/// Random streams are named `learner<i>/<purpose>` under the run's root seed, with purposes `initialization`,
/// `environment` (copy 0; copy j > 0 draws from `environment<j>`), `exploration`, `replay`, `update`,
/// `evaluation`, `distillation` and `diagnostics` (the diagnostic batches of `distillation.csv`); a
/// single-learner run and learner 0 of a k-peer run therefore draw exactly the same numbers. With
/// `sameEnvironmentSeed` every peer's environment streams are learner 0's names (each peer its own copy).
///
/// A peer is confined to one thread at a time: the `lockstep` schedule runs peers' phases on several threads
/// but never lets two threads touch the same peer, and joins them before a peer reads another (hence
/// `@unchecked Sendable`).
public final class PeerRun: @unchecked Sendable {
    /// The peer's index i among the run's k peers.
    public let index: Int
    /// The peer's name, `learner<i>`, used in stream names, folder names and messages.
    public let name: String
    /// The learner's hyper-parameters.
    public let configuration: LearnerConfiguration
    /// Evaluation settings.
    public let evaluation: EvaluationConfiguration
    /// The collection and learning settings of this peer (off-policy cadence; PPO reads only the log interval).
    public let training: TrainingConfiguration
    /// The environment side.
    let runner: EnvironmentRunner
    /// The experience side, by learner family.
    private let experience: any PeerExperience
    private let updates: UpdateLog
    /// The peer's kept policies (the final one and the best evaluation's), beside its logs.
    let policies: PolicyShelf
    /// The stream distillation batches are drawn with (used by the trainer's distillation phase).
    public let distillationStream: RandomStream
    /// The stream the diagnostic batches of `distillation.csv` are drawn with, in both arms alike.
    public let diagnosticsStream: RandomStream
    /// Every stream of the peer, in a fixed order, for checkpoints.
    private let streams: [RandomStream]

    /// Creates peer `index`: its learner (networks drawn from its `initialization` stream), environment copies
    /// and streams; opens its logs in `folder/learner<index>`.
    /// - Parameters:
    ///   - totalSteps: the run's environment steps per peer (PPO's schedules read the progress remaining).
    ///   - historyCapacity: for an on-policy peer, how many of its recent observations it keeps as its peers'
    ///     distillation states.
    ///   - environmentStreamsOf: the peer whose stream names the environment copies draw from (this one unless
    ///     the run gives all peers the same environment seed).
    init(index: Int, environment registration: EnvironmentRegistration, configuration: LearnerConfiguration,
         training: TrainingConfiguration, evaluation: EvaluationConfiguration, root: RandomStream,
         folder: RunFolder, totalSteps: Int, historyCapacity: Int, environmentStreamsOf: Int? = nil) throws {
        self.index = index
        name = RunFormat.learnerFolder(index)
        let streams = root.child(name)
        self.configuration = configuration
        self.evaluation = evaluation
        self.training = training
        let initialization = streams.child("initialization")
        let environmentStreams = environmentStreamsOf.map { root.child(RunFormat.learnerFolder($0)) } ?? streams
        let environmentStream = environmentStreams.child("environment")
        let explorationStream = streams.child("exploration")
        let replayStream = streams.child("replay")
        let updateStream = streams.child("update")
        let evaluationStream = streams.child("evaluation")
        distillationStream = streams.child("distillation")
        diagnosticsStream = streams.child("diagnostics")
        let copies: Int
        if case let .ppo(ppo) = configuration { copies = ppo.envs } else { copies = 1 }
        let copyStreams = [environmentStream]
            + (1..<max(copies, 1)).map { environmentStreams.child("environment\($0)") }
        self.streams = [initialization] + copyStreams
            + [explorationStream, replayStream, updateStream, evaluationStream, distillationStream, diagnosticsStream]
        let logFolder = try folder.subfolder(name)
        runner = try EnvironmentRunner(name: name, registration: registration, environmentStreams: copyStreams,
                                       evaluationStream: evaluationStream, folder: logFolder)
        switch configuration {
        case let .ppo(ppo):
            let learner = PPO(observationDimension: registration.observationDimension,
                              actionLow: runner.actionSpace.low, actionHigh: runner.actionSpace.high,
                              configuration: ppo, initialization: initialization)
            experience = OnPolicyExperience(learner: learner, runner: runner, totalSteps: totalSteps,
                                            historyCapacity: historyCapacity, explorationStream: explorationStream,
                                            updateStream: updateStream)
        default:
            let learner = makeLearner(configuration: configuration,
                                      observationDimension: registration.observationDimension,
                                      actionDimension: registration.actionDimension, initialization: initialization)
            experience = OffPolicyExperience(learner: learner, configuration: configuration, training: training,
                                             runner: runner, explorationStream: explorationStream,
                                             replayStream: replayStream, updateStream: updateStream)
        }
        updates = try UpdateLog(folder: logFolder, statistics: experience.learner.updateColumns,
                                interval: training.updateLogInterval)
        policies = try PolicyShelf(folder: logFolder, peer: name)
    }

    /// The learner being trained, as distillation and evaluation see it.
    public var learner: any Distillable { experience.learner }
    /// Environment steps taken so far by this peer.
    public var stepsTaken: Int { runner.counters.steps }
    /// Return of the last finished episode, for progress lines.
    public var lastEpisodeReturn: Double? { runner.counters.lastEpisodeReturn }
    /// Episodes finished so far.
    public var episodesFinished: Int { runner.counters.episodes }
    /// The peer's states for its peers' distillation: its replay buffer, or its recent observations.
    public var distillationStates: any DistillationStateSource { experience.distillationStates }

    // MARK: Phases

    /// Collect: one environment step of one copy (see the experience sides for what is acted with).
    func collectStep() throws { try experience.collectStep() }

    /// Learn: the updates now due, each logged and completed (for runs that do not distil).
    /// - Returns: the number of updates made.
    @discardableResult
    func learnIfDue() -> Int {
        let due = experience.updatesDue()
        for _ in 0..<due {
            updateOnce()
            finishUpdate()
        }
        return due
    }

    /// The number of updates now due; the caller makes each with ``updateOnce()`` and ``finishUpdate()``, with
    /// the distillation step between them (the reference's order: RL update, distillation step, target update).
    func updatesDue() -> Int { experience.updatesDue() }

    /// One update, logged, with its target networks left for ``finishUpdate()``.
    func updateOnce() { updates.add(experience.update()) }

    /// Completes the last update: its target networks.
    func finishUpdate() { experience.finishUpdate() }

    /// Distil: takes a prepared distillation step on this peer's learner.
    func apply(_ prepared: PreparedDistillation) -> DistillationRecord { experience.apply(prepared) }

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
        let returns = try runner.evaluate(episodes: evaluation.episodes) { learner.deterministicAction(for: $0) }
        try policies.didEvaluate(returns: returns, step: stepsTaken, learner: learner)
        return returns
    }

    /// Keep: the final policy, at the end of the run.
    func keepFinalPolicy() throws { try policies.keepFinal(step: stepsTaken, learner: learner) }
}

// MARK: - Checkpoints

/// A peer's state at a checkpoint besides its archive entries, as plain data.
public struct PeerRunState: Sendable, Equatable, Codable {
    /// Every stream of the peer (initialization, environment copies, exploration, replay, update, evaluation,
    /// distillation).
    public var streams: [RandomStreamState]
    /// The environment side.
    public var environment: EnvironmentRunnerState
    /// The update log's running interval.
    public var updates: UpdateAccumulator
    /// The experience side's counters.
    public var experience: ExperienceState
}

/// An experience side's state at a checkpoint besides its archive entries.
public struct ExperienceState: Sendable, Equatable, Codable {
    /// An off-policy peer's collection cadence.
    public var replayCadence: ReplayCadence?
    /// An on-policy peer in the middle of a round: the copies stepped so far (their actions are in the archive).
    public var roundTransitions: Int?
}

extension PeerRun {
    /// Stores the learner (`<name>.learner.*`), the environment copies (`<name>.environment.*`) and the
    /// experience side (`<name>.experience.*`) in `archive`; returns the rest as plain data.
    func store(in archive: inout ParameterArchive<Float>) -> PeerRunState {
        experience.learner.store(in: &archive, prefix: name + ".learner")
        let environment = runner.store(in: &archive, prefix: name + ".environment")
        let experienceState = experience.store(in: &archive, prefix: name + ".experience")
        return PeerRunState(streams: streams.map(\.state), environment: environment,
                            updates: updates.accumulator, experience: experienceState)
    }

    /// Puts the peer back where ``store(in:)`` found it: a peer built from the same configuration and seed,
    /// restored, continues exactly as the stored one would have.
    func restore(_ state: PeerRunState, from archive: ParameterArchive<Float>) throws {
        guard state.streams.count == streams.count else {
            throw NumericsError.malformedArchive(
                source: archive.source, reason: "\(name) has \(streams.count) random streams, the checkpoint \(state.streams.count)")
        }
        try experience.restore(state.experience, from: archive, prefix: name + ".experience",
                               learnerPrefix: name + ".learner")
        try runner.restore(state.environment, from: archive, prefix: name + ".environment")
        try updates.restore(state.updates)
        for (stream, saved) in zip(streams, state.streams) { try stream.restore(saved) }
    }
}

/// One learner family's half of a peer: how it acts and collects, when it learns, and where its distillation
/// states are. The peer owns one; the trainer never sees it.
protocol PeerExperience: AnyObject {
    /// The learner, read only.
    var learner: any Distillable { get }
    /// The states its peers distil on.
    var distillationStates: any DistillationStateSource { get }
    /// One environment step of one copy.
    func collectStep() throws
    /// The number of updates now due (advances the cadence): the caller makes each with ``update()`` and then
    /// ``finishUpdate()``.
    func updatesDue() -> Int
    /// One update, its statistics row; the target networks (if any) are left for ``finishUpdate()``.
    func update() -> UpdateStatistics
    /// Moves the target networks the last update left due (nothing for learners without them).
    func finishUpdate()
    /// Takes a distillation step on the learner.
    func apply(_ prepared: PreparedDistillation) -> DistillationRecord
    /// Stores the memory (buffer or rollouts) under `prefix`; returns the counters.
    func store(in archive: inout ParameterArchive<Float>, prefix: String) -> ExperienceState
    /// Restores the learner from `learnerPrefix` and the memory and counters from `prefix`; changes nothing
    /// when it throws.
    func restore(_ state: ExperienceState, from archive: ParameterArchive<Float>, prefix: String,
                 learnerPrefix: String) throws
}

/// An off-policy peer's experience side: uniformly random actions before `learningStarts` steps and the
/// learner's exploration action after, every transition into the replay memory, and the updates the
/// ``ReplaySchedule`` says are due, each on a batch from it.
final class OffPolicyExperience: PeerExperience {
    private(set) var offPolicyLearner: any OffPolicyLearner
    /// Transitions per update batch.
    private let batchSize: Int
    private var schedule: ReplaySchedule
    private let runner: EnvironmentRunner
    private let explorationStream, replayStream, updateStream: RandomStream
    private var batch = ReplayBatch()

    init(learner: any OffPolicyLearner, configuration: LearnerConfiguration, training: TrainingConfiguration,
         runner: EnvironmentRunner, explorationStream: RandomStream, replayStream: RandomStream,
         updateStream: RandomStream) {
        offPolicyLearner = learner
        batchSize = configuration.offPolicySettings?.batchSize ?? 0
        schedule = ReplaySchedule(training: training, observationDimension: learner.observationDimension,
                                  actionDimension: learner.actionDimension)
        self.runner = runner
        self.explorationStream = explorationStream
        self.replayStream = replayStream
        self.updateStream = updateStream
        offPolicyLearner.observe(runner.observation)
    }

    var learner: any Distillable { offPolicyLearner }
    var distillationStates: any DistillationStateSource { schedule.buffer }

    func collectStep() throws {
        let observation = runner.observation
        let action: [Float]
        if schedule.isWarmingUp(stepsTaken: runner.counters.steps) {
            action = (0..<offPolicyLearner.actionDimension).map { _ in
                Float(explorationStream.uniform(from: -1, to: 1))
            }
        } else {
            action = offPolicyLearner.explorationAction(for: observation, using: explorationStream)
            try runner.requireFinite(action, "exploration action")
        }
        let transition = try runner.step(action)
        schedule.record(observation: observation, action: action, transition: transition)
        if transition.isLast { offPolicyLearner.episodeDidEnd(using: explorationStream) }
        offPolicyLearner.observe(runner.observation)
    }

    func updatesDue() -> Int {
        schedule.updatesDue(stepsTaken: runner.counters.steps, episodesFinished: runner.counters.episodes)
    }

    func update() -> UpdateStatistics {
        schedule.sample(count: batchSize, using: replayStream, into: &batch)
        return offPolicyLearner.updateBeforeTargets(on: batch, using: updateStream)
    }

    func finishUpdate() { offPolicyLearner.updateTargetsIfDue() }

    func apply(_ prepared: PreparedDistillation) -> DistillationRecord { prepared.apply(to: &offPolicyLearner) }

    func store(in archive: inout ParameterArchive<Float>, prefix: String) -> ExperienceState {
        schedule.buffer.store(in: &archive, prefix: prefix + ".replay")
        return ExperienceState(replayCadence: schedule.cadence)
    }

    func restore(_ state: ExperienceState, from archive: ParameterArchive<Float>, prefix: String,
                 learnerPrefix: String) throws {
        guard let cadence = state.replayCadence else {
            throw NumericsError.malformedArchive(source: archive.source, reason: "\(prefix): no replay cadence")
        }
        var learner = offPolicyLearner
        try learner.restore(from: archive, prefix: learnerPrefix)
        var restoredSchedule = schedule
        try restoredSchedule.restore(buffer: try ReplayBuffer(from: archive, prefix: prefix + ".replay"),
                                     cadence: cadence)
        offPolicyLearner = learner
        schedule = restoredSchedule
    }
}

/// An on-policy peer's experience side, as Stable-Baselines3's `collect_rollouts` over N copies: at the start of
/// each round the learner acts on all N observations at once; the trainer's next N steps step copy 0, 1, …,
/// N − 1 with those actions (clipped to the box); when the round is complete the learner observes the N new
/// observations, scales the N rewards, and each transition goes to its copy's rollout (a truncated one with
/// V of its real last observation). After T rounds the learner updates on the N rollouts.
///
/// Every observation acted on (raw) also goes to an ``ObservationHistory``, its peers' distillation states.
final class OnPolicyExperience: PeerExperience {
    private(set) var onPolicyLearner: any OnPolicyLearner
    private let runner: EnvironmentRunner
    private let totalSteps: Int
    private let explorationStream, updateStream: RandomStream
    private var rollouts: [Rollout]
    private var history: ObservationHistory
    /// The round's actions, one per copy, and the transitions taken so far.
    private var roundSteps: [PolicyStep] = []
    private var roundTransitions: [Transition] = []

    init(learner: some OnPolicyLearner, runner: EnvironmentRunner, totalSteps: Int, historyCapacity: Int,
         explorationStream: RandomStream, updateStream: RandomStream) {
        onPolicyLearner = learner
        self.runner = runner
        self.totalSteps = totalSteps
        self.explorationStream = explorationStream
        self.updateStream = updateStream
        rollouts = Array(repeating: Rollout(observationDimension: learner.observationDimension,
                                            actionDimension: learner.actionDimension),
                         count: learner.environmentCopies)
        history = ObservationHistory(capacity: historyCapacity, observationDimension: learner.observationDimension)
        onPolicyLearner.observe(runner.observations)
    }

    var learner: any Distillable { onPolicyLearner }
    var distillationStates: any DistillationStateSource { history }

    func collectStep() throws {
        if roundSteps.isEmpty {
            roundSteps = onPolicyLearner.act(on: runner.observations, using: explorationStream)
            for step in roundSteps { try runner.requireFinite(step.action, "exploration action") }
        }
        let copy = roundTransitions.count
        history.append(runner.observations[copy])
        roundTransitions.append(try runner.step(roundSteps[copy].action, copy: copy, clipping: true))
        guard roundTransitions.count == onPolicyLearner.environmentCopies else { return }

        onPolicyLearner.observe(runner.observations)
        let rewards = onPolicyLearner.scaleRewards(roundTransitions.map(\.reward),
                                                   episodeEnded: roundTransitions.map(\.isLast))
        for (copy, transition) in roundTransitions.enumerated() {
            let bootstrapsTruncation = transition.isTruncated && !transition.isTerminal
            rollouts[copy].append(step: roundSteps[copy], reward: rewards[copy], isTerminal: transition.isTerminal,
                                  isTruncated: transition.isTruncated,
                                  truncationValue: bootstrapsTruncation
                                      ? onPolicyLearner.stateValue(of: transition.observation) : 0)
        }
        roundSteps = []
        roundTransitions = []
    }

    /// One PPO iteration once the rollouts are full.
    func updatesDue() -> Int {
        roundTransitions.isEmpty && rollouts[0].count == onPolicyLearner.rolloutLength ? 1 : 0
    }

    func update() -> UpdateStatistics {
        let progressRemaining = 1 - Double(runner.counters.steps) / Double(max(totalSteps, 1))
        let statistics = onPolicyLearner.update(on: rollouts, lastObservations: runner.observations,
                                                progressRemaining: progressRemaining, using: updateStream)
        for copy in rollouts.indices { rollouts[copy].removeAll() }
        return statistics
    }

    func finishUpdate() {}

    func apply(_ prepared: PreparedDistillation) -> DistillationRecord { prepared.apply(to: &onPolicyLearner) }

    func store(in archive: inout ParameterArchive<Float>, prefix: String) -> ExperienceState {
        for (copy, rollout) in rollouts.enumerated() { rollout.store(in: &archive, prefix: "\(prefix).rollout\(copy)") }
        history.store(in: &archive, prefix: prefix + ".history")
        for (copy, step) in roundSteps.enumerated() { step.store(in: &archive, prefix: "\(prefix).round.step\(copy)") }
        archive.store(roundSteps.isEmpty ? 0 : 1, as: prefix + ".round.started")
        for (copy, transition) in roundTransitions.enumerated() {
            let name = "\(prefix).round.transition\(copy)"
            archive.store(Matrix(row: transition.observation), as: name + ".observation")
            archive.store([transition.reward, transition.isTerminal ? 1 : 0, transition.isTruncated ? 1 : 0],
                          as: name + ".rewardAndFlags")
        }
        return ExperienceState(roundTransitions: roundTransitions.count)
    }

    func restore(_ state: ExperienceState, from archive: ParameterArchive<Float>, prefix: String,
                 learnerPrefix: String) throws {
        let observationDimension = onPolicyLearner.observationDimension
        let actionDimension = onPolicyLearner.actionDimension
        let copies = onPolicyLearner.environmentCopies
        guard let taken = state.roundTransitions, (0..<copies).contains(taken) else {
            throw NumericsError.malformedArchive(source: archive.source, reason: "\(prefix): no valid round position")
        }
        var learner = onPolicyLearner
        try learner.restore(from: archive, prefix: learnerPrefix)
        let restoredRollouts = try (0..<copies).map {
            try Rollout(from: archive, prefix: "\(prefix).rollout\($0)", observationDimension: observationDimension,
                        actionDimension: actionDimension)
        }
        let restoredHistory = try ObservationHistory(from: archive, prefix: prefix + ".history",
                                                     capacity: history.capacity,
                                                     observationDimension: observationDimension)
        let started = try archive.integer(named: prefix + ".round.started") != 0
        let steps = try (started ? 0..<copies : 0..<0).map {
            try PolicyStep(from: archive, prefix: "\(prefix).round.step\($0)",
                           observationDimension: observationDimension, actionDimension: actionDimension)
        }
        let transitions = try (0..<taken).map { copy -> Transition in
            let name = "\(prefix).round.transition\(copy)"
            let observation = try archive.tensor(named: name + ".observation",
                                                 shape: MatrixShape(rows: 1, columns: observationDimension))
            let values = try archive.reals(named: name + ".rewardAndFlags", count: 3)
            return Transition(observation: (0..<observationDimension).map { observation[0, $0] }, reward: values[0],
                              isTerminal: values[1] != 0, isTruncated: values[2] != 0)
        }
        onPolicyLearner = learner
        rollouts = restoredRollouts
        history = restoredHistory
        roundSteps = steps
        roundTransitions = transitions
    }
}
