import DuetEnvironments
import DuetRandom
import DuetRunFormat

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

    /// Maps an action from the learner's [−1, 1]ᵈ to the environment's box: low + (a + 1)·(high − low)/2.
    private func rescaled(_ action: [Float]) -> [Float] {
        guard actionSpace.isBounded else { return action }
        return action.indices.map { index in
            actionSpace.low[index] + (action[index] + 1) * 0.5 * (actionSpace.high[index] - actionSpace.low[index])
        }
    }
}
