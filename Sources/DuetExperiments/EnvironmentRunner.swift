import DuetEnvironments
import DuetNumerics
import DuetRandom
import DuetRunFormat

/// Why training stopped early.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// The environment rejected an action (for example a NaN from a diverged learner).
    case environmentRejectedAction(learner: String, step: Int, reason: String)
    /// A learner's action or parameter, or an observation, became NaN or infinite (a diverged learner or
    /// simulation); `lastCheckpoint` is the step of the last good checkpoint (0 for none).
    case nonFinite(learner: String, step: Int, quantity: String, lastCheckpoint: Int)

    /// The error with the step of the last good checkpoint filled in.
    func keeping(checkpoint step: Int) -> TrainingError {
        guard case let .nonFinite(learner, at, quantity, _) = self else { return self }
        return .nonFinite(learner: learner, step: at, quantity: quantity, lastCheckpoint: step)
    }

    /// The one-line message, naming the learner and the environment step; for a non-finite value, the last good
    /// checkpoint.
    public var description: String {
        switch self {
        case let .environmentRejectedAction(learner, step, reason):
            return "\(learner) at environment step \(step): \(reason)"
        case let .nonFinite(learner, step, quantity, lastCheckpoint):
            return "\(learner) at environment step \(step): \(quantity) is not finite; "
                + (lastCheckpoint > 0 ? "the last good checkpoint, at step \(lastCheckpoint), is kept"
                                      : "no checkpoint was written before")
        }
    }
}

/// A peer's episode bookkeeping over its environment copies, as plain data (a checkpoint stores it as it is).
public struct EpisodeCounters: Sendable, Equatable, Codable {
    /// Environment steps taken so far by this peer, over all its copies.
    public var steps = 0
    /// Episodes finished so far, over all copies.
    public var episodes = 0
    /// Each copy's running episode's return so far.
    public var episodeReturns: [Double]
    /// Each copy's running episode's length so far.
    public var episodeLengths: [Int]
    /// Return of the last finished episode, for progress lines.
    public var lastEpisodeReturn: Double?

    /// No step taken yet on any of `copies` environment copies.
    public init(copies: Int = 1) {
        episodeReturns = Array(repeating: 0, count: copies)
        episodeLengths = Array(repeating: 0, count: copies)
    }
}

/// A peer's environment side at a checkpoint, as plain data (the physical states are in the archive).
public struct EnvironmentRunnerState: Sendable, Equatable, Codable {
    /// Episode bookkeeping.
    public var counters: EpisodeCounters
    /// Each training copy's position in its episode (`nil` for a copy without a time limit).
    public var clocks: [EpisodeClock?]
}

/// One peer's environment side: its training copies of the environment (one for an off-policy learner, N for
/// PPO's `envs: N`), its evaluation copy, the episode bookkeeping and the two logs that follow from them
/// (`episodes.csv`, one row per finished episode of any copy, in the order they finish; `evaluations.csv`). It
/// knows nothing of learning: the peer hands it actions in [−1, 1]ᵈ, and it clips them to [−1, 1]ᵈ (when asked)
/// and rescales them to the environment's box.
public final class EnvironmentRunner {
    /// The peer's name, `learner<i>`, for messages.
    public let name: String
    /// Episode bookkeeping.
    public private(set) var counters: EpisodeCounters
    /// The observation each training copy's next action is taken in.
    public private(set) var observations: [[Float]]
    /// The observation the first copy's next action is taken in.
    public var observation: [Float] { observations[0] }
    /// The action box of the environment.
    public let actionSpace: BoxSpace

    private var environments: [any Environment]
    private var evaluationEnvironment: any Environment
    private let environmentStreams: [RandomStream]
    private let evaluationStream: RandomStream
    private let episodesLog: CSVLog
    private let evaluationsLog: CSVLog

    /// Makes one training copy per stream of `environmentStreams` and the evaluation copy, opens the logs in
    /// `folder` and resets each training copy with its stream, in order.
    /// - Precondition: at least one environment stream.
    init(name: String, registration: EnvironmentRegistration, environmentStreams: [RandomStream],
         evaluationStream: RandomStream, folder: RunFolder) throws {
        precondition(!environmentStreams.isEmpty, "a runner has at least one training copy")
        self.name = name
        environments = environmentStreams.map { _ in registration.make() }
        evaluationEnvironment = registration.make()
        actionSpace = evaluationEnvironment.actionSpace
        self.environmentStreams = environmentStreams
        self.evaluationStream = evaluationStream
        counters = EpisodeCounters(copies: environmentStreams.count)
        episodesLog = try folder.log(RunFormat.episodesFile, columns: RunFormat.episodeColumns)
        evaluationsLog = try folder.log(RunFormat.evaluationsFile, columns: RunFormat.evaluationColumns)
        observations = []
        for copy in environments.indices {
            observations.append(environments[copy].reset(using: environmentStreams[copy]))
        }
    }

    /// Steps training copy `copy` with `action` from its observation; at the end of an episode logs it and
    /// resets that copy. ``observations`` then holds the next state to act in.
    /// - Parameter clipping: clip the action to [−1, 1]ᵈ first (for unbounded Gaussian policies, as SB3 clips).
    /// - Returns: the transition, whose `observation` is the real next state (the last one at an episode's end).
    func step(_ action: [Float], copy: Int = 0, clipping: Bool = false) throws -> Transition {
        let transition: Transition
        let sent = clipping ? action.map { min(max($0, -1), 1) } : action
        do {
            transition = try environments[copy].step(rescaled(sent), using: environmentStreams[copy])
        } catch {
            throw TrainingError.environmentRejectedAction(learner: name, step: counters.steps + 1,
                                                          reason: String(describing: error))
        }
        try requireFinite(transition.observation, "observation", step: counters.steps + 1)
        counters.steps += 1
        counters.episodeReturns[copy] += transition.reward
        counters.episodeLengths[copy] += 1
        if transition.isLast {
            counters.episodes += 1
            counters.lastEpisodeReturn = counters.episodeReturns[copy]
            try episodesLog.append([CSVLog.format(counters.steps), CSVLog.format(counters.episodes),
                                    CSVLog.format(counters.episodeReturns[copy]),
                                    CSVLog.format(counters.episodeLengths[copy])])
            counters.episodeReturns[copy] = 0
            counters.episodeLengths[copy] = 0
            observations[copy] = environments[copy].reset(using: environmentStreams[copy])
        } else {
            observations[copy] = transition.observation
        }
        return transition
    }

    /// Throws ``TrainingError/nonFinite(learner:step:quantity:lastCheckpoint:)`` if `values` (the `quantity`
    /// at `step`, by default the next step) holds a NaN or an infinity.
    func requireFinite(_ values: [Float], _ quantity: String, step: Int? = nil) throws {
        guard values.allSatisfy(\.isFinite) else {
            throw TrainingError.nonFinite(learner: name, step: step ?? counters.steps + 1,
                                          quantity: "\(quantity) \(values)", lastCheckpoint: 0)
        }
    }

    /// Runs `policy` for `episodes` episodes on the evaluation copy and logs the returns' mean, population
    /// standard deviation, minimum and maximum.
    @discardableResult
    func evaluate(episodes: Int, policy: ([Float]) -> [Float]) throws -> [Double] {
        var returns: [Double] = []
        for _ in 0..<episodes {
            var current = evaluationEnvironment.reset(using: evaluationStream)
            var total = 0.0
            while true {
                let transition: Transition
                do {
                    transition = try evaluationEnvironment.step(rescaled(policy(current)), using: evaluationStream)
                } catch {
                    throw TrainingError.environmentRejectedAction(learner: name + " (evaluation)",
                                                                  step: counters.steps,
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
        try evaluationsLog.append([CSVLog.format(counters.steps), CSVLog.format(returns.count), CSVLog.format(mean),
                                   CSVLog.format(variance.squareRoot()), CSVLog.format(returns.min() ?? .nan),
                                   CSVLog.format(returns.max() ?? .nan)])
        return returns
    }

    // MARK: Checkpoints

    /// Stores each training copy's physical state (`prefix.copy<j>.state`) and the observation it acts in next
    /// (`prefix.copy<j>.observation`); returns the rest of the runner's position as plain data.
    func store(in archive: inout ParameterArchive<Float>, prefix: String) -> EnvironmentRunnerState {
        for copy in environments.indices {
            archive.store(environments[copy].resumableState, as: "\(prefix).copy\(copy).state")
            archive.store(Matrix(row: observations[copy]), as: "\(prefix).copy\(copy).observation")
        }
        return EnvironmentRunnerState(counters: counters, clocks: environments.map {
            ($0 as? any TimeLimitedEnvironment)?.episodeClock
        })
    }

    /// Puts every training copy back where ``store(in:prefix:)`` found it. The evaluation copy needs nothing:
    /// each evaluation episode starts with a reset from the evaluation stream.
    func restore(_ state: EnvironmentRunnerState, from archive: ParameterArchive<Float>, prefix: String) throws {
        guard state.clocks.count == environments.count, state.counters.episodeReturns.count == environments.count
        else {
            throw NumericsError.malformedArchive(
                source: archive.source,
                reason: "\(name) has \(environments.count) environment copies, the checkpoint \(state.clocks.count)")
        }
        var restored = environments
        var restoredObservations = observations
        for copy in restored.indices {
            let values = try archive.reals(named: "\(prefix).copy\(copy).state",
                                           count: restored[copy].resumableState.count)
            do { try restored[copy].restoreResumableState(values) } catch {
                throw NumericsError.malformedArchive(source: archive.source,
                                                     reason: "\(prefix).copy\(copy).state: \(error)")
            }
            if let clock = state.clocks[copy], var timed = restored[copy] as? any TimeLimitedEnvironment {
                timed.episodeClock = clock
                restored[copy] = timed
            }
            let dimension = observations[copy].count
            let observation = try archive.tensor(named: "\(prefix).copy\(copy).observation",
                                                 shape: MatrixShape(rows: 1, columns: dimension))
            restoredObservations[copy] = (0..<dimension).map { observation[0, $0] }
        }
        environments = restored
        observations = restoredObservations
        counters = state.counters
    }

    /// Maps an action from the learner's [−1, 1]ᵈ to the environment's box: low + (a + 1)·(high − low)/2.
    private func rescaled(_ action: [Float]) -> [Float] {
        guard actionSpace.isBounded else { return action }
        return action.indices.map { index in
            actionSpace.low[index] + (action[index] + 1) * 0.5 * (actionSpace.high[index] - actionSpace.low[index])
        }
    }
}
