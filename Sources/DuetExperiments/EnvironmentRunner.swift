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

/// A peer's episode bookkeeping, as plain data (a checkpoint stores it as it is).
public struct EpisodeCounters: Sendable, Equatable, Codable {
    /// Environment steps taken so far by this peer.
    public var steps = 0
    /// Episodes finished so far.
    public var episodes = 0
    /// The running episode's return so far.
    public var episodeReturn = 0.0
    /// The running episode's length so far.
    public var episodeLength = 0
    /// Return of the last finished episode, for progress lines.
    public var lastEpisodeReturn: Double?

    /// No step taken yet.
    public init() {}
}

/// One peer's environment side: its training and evaluation copies of the environment, the episode bookkeeping
/// and the two logs that follow from them (`episodes.csv`, `evaluations.csv`). It knows nothing of learning:
/// the peer hands it actions in [−1, 1]ᵈ, and it rescales them to the environment's box.
public final class EnvironmentRunner {
    /// The peer's name, `learner<i>`, for messages.
    public let name: String
    /// Episode bookkeeping.
    public private(set) var counters = EpisodeCounters()
    /// The observation the next action is taken in.
    public private(set) var observation: [Float]

    private var environment: any Environment
    private var evaluationEnvironment: any Environment
    private let actionSpace: BoxSpace
    private let environmentStream: RandomStream
    private let evaluationStream: RandomStream
    private let episodesLog: CSVLog
    private let evaluationsLog: CSVLog

    /// Makes both environment copies, opens the logs in `folder` and resets the training copy with
    /// `environmentStream`.
    init(name: String, registration: EnvironmentRegistration, environmentStream: RandomStream,
         evaluationStream: RandomStream, folder: RunFolder) throws {
        self.name = name
        environment = registration.make()
        evaluationEnvironment = registration.make()
        actionSpace = environment.actionSpace
        self.environmentStream = environmentStream
        self.evaluationStream = evaluationStream
        episodesLog = try folder.log(RunFormat.episodesFile, columns: RunFormat.episodeColumns)
        evaluationsLog = try folder.log(RunFormat.evaluationsFile, columns: RunFormat.evaluationColumns)
        observation = environment.reset(using: environmentStream)
    }

    /// Steps the training environment with `action` from ``observation``; at the end of an episode logs it and
    /// resets. ``observation`` is then the next state to act in.
    /// - Returns: the transition, whose `observation` is the real next state (the last one at an episode's end).
    func step(_ action: [Float]) throws -> Transition {
        let transition: Transition
        do {
            transition = try environment.step(rescaled(action), using: environmentStream)
        } catch {
            throw TrainingError.environmentRejectedAction(learner: name, step: counters.steps + 1,
                                                          reason: String(describing: error))
        }
        counters.steps += 1
        counters.episodeReturn += transition.reward
        counters.episodeLength += 1
        if transition.isLast {
            counters.episodes += 1
            counters.lastEpisodeReturn = counters.episodeReturn
            try episodesLog.append([CSVLog.format(counters.steps), CSVLog.format(counters.episodes),
                                    CSVLog.format(counters.episodeReturn), CSVLog.format(counters.episodeLength)])
            counters.episodeReturn = 0
            counters.episodeLength = 0
            observation = environment.reset(using: environmentStream)
        } else {
            observation = transition.observation
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
