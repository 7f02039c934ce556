import DuetEnvironments
import DuetLearners
import DuetRandom

/// Where an off-policy peer is in its collection cadence, as plain data (a checkpoint stores it as it is).
public struct ReplayCadence: Sendable, Equatable, Codable {
    /// Environment steps since the last learning phase.
    public var stepsSinceLearning = 0
    /// Whether the step just taken ended an episode (for `trainFrequencyUnit: episode`).
    public var episodeJustEnded = false

    /// At the start of a run.
    public init() {}
}

/// An off-policy peer's experience side: its replay memory and when it learns from it (Stable-Baselines3's
/// `train_freq`, `gradient_steps` and `learning_starts`). An on-policy peer will have a rollout schedule in
/// its place.
public struct ReplaySchedule {
    /// The collection and learning settings (`training:`).
    public let training: TrainingConfiguration
    /// The replay memory.
    public private(set) var buffer: ReplayBuffer
    /// The cadence's counters.
    public private(set) var cadence = ReplayCadence()

    /// An empty buffer of `training.bufferSize` transitions.
    init(training: TrainingConfiguration, observationDimension: Int, actionDimension: Int) {
        self.training = training
        buffer = ReplayBuffer(capacity: training.bufferSize, observationDimension: observationDimension,
                              actionDimension: actionDimension)
    }

    /// Whether the peer acts uniformly at random (before `learningStarts` steps).
    func isWarmingUp(stepsTaken: Int) -> Bool { stepsTaken < training.learningStarts }

    /// Stores the transition taken from `observation` with `action`.
    mutating func record(observation: [Float], action: [Float], transition: Transition) {
        cadence.stepsSinceLearning += 1
        cadence.episodeJustEnded = transition.isLast
        buffer.append(observation: observation, action: action, reward: Float(transition.reward),
                      nextObservation: transition.observation, isTerminal: transition.isTerminal,
                      isTruncated: transition.isTruncated)
    }

    /// The gradient updates due after the step just taken: at the end of a training period (every
    /// `trainFrequency` steps, or every `trainFrequency`-th episode end), once more than `learningStarts` steps
    /// have been taken, `gradientSteps` — or, for −1, as many as steps collected in the period. Ends the period.
    mutating func updatesDue(stepsTaken: Int, episodesFinished: Int) -> Int {
        let isBoundary: Bool
        switch training.trainFrequencyUnit {
        case .step: isBoundary = stepsTaken % training.trainFrequency == 0
        case .episode: isBoundary = cadence.episodeJustEnded && episodesFinished % training.trainFrequency == 0
        }
        guard isBoundary else { return 0 }
        let collected = cadence.stepsSinceLearning
        cadence.stepsSinceLearning = 0
        guard stepsTaken > training.learningStarts else { return 0 }
        return training.gradientSteps < 0 ? collected : training.gradientSteps
    }

    /// Continues from a checkpoint's buffer and cadence.
    /// - Throws: ``RunFolderError/cannotResume(path:reason:)`` if the buffer's capacity or dimensions differ.
    mutating func restore(buffer stored: ReplayBuffer, cadence storedCadence: ReplayCadence) throws {
        guard stored.capacity == buffer.capacity, stored.observationDimension == buffer.observationDimension,
              stored.actionDimension == buffer.actionDimension else {
            throw RunFolderError.cannotResume(
                path: "checkpoint", reason: "its replay buffer holds \(stored.capacity) transitions of "
                    + "\(stored.observationDimension)+\(stored.actionDimension) numbers, the configuration "
                    + "\(buffer.capacity) of \(buffer.observationDimension)+\(buffer.actionDimension)")
        }
        buffer = stored
        cadence = storedCadence
    }

    /// Draws a batch of `count` transitions into `batch`.
    func sample(count: Int, using stream: RandomStream, into batch: inout ReplayBatch) {
        buffer.sample(count: count, using: stream, into: &batch)
    }
}
