import DuetLearners
import DuetNumerics
import DuetRandom

/// Timings of whole off-policy learner updates: what `duet bench update` prints, to set against
/// `scripts/reference/torch_updates.py` (PyTorch on one thread) with the same shapes.
///
/// One timed call is one full update step as the trainer runs it: a batch drawn from a replay buffer (100,000
/// transitions of random data), then the learner's ``OffPolicyLearner/update(on:using:)`` (critics, the actor
/// when due, target networks). The learner uses its algorithm's SB3 defaults apart from the given network
/// widths, batch size and layer norm; OpenBLAS runs on one thread.
public enum UpdateBenchmarks {
    /// Transitions in the benchmark's replay buffer (as the PyTorch script).
    public static let bufferCapacity = 100_000

    /// Times `updates` update steps (after a warm-up of up to 200) in five rounds and reports the median round's
    /// time per update, with the work unit `updates` (so ``BenchmarkMeasurement/rate`` is updates per second).
    ///
    /// - Parameters:
    ///   - algorithm: which learner.
    ///   - hidden: hidden widths of the actor and critics, e.g. `[256, 256]`.
    ///   - batch: transitions per update.
    ///   - observation: observation dimension.
    ///   - action: action dimension.
    ///   - layerNorm: layer norm after each hidden layer (the reference DDPG networks).
    ///   - updates: timed updates in total (at least 5).
    public static func run(algorithm: LearnerAlgorithm, hidden: [Int], batch: Int, observation: Int, action: Int,
                           layerNorm: Bool, updates: Int) -> BenchmarkMeasurement {
        BLASRuntime.withThreadCount(1) {
            let root = RandomStream(seed: 0, name: "bench-update")
            var configuration = LearnerConfiguration(algorithm: algorithm)
            configuration.hidden = hidden
            configuration.updateOffPolicySettings {
                $0.batchSize = batch
                $0.layerNorm = layerNorm
            }
            var learner = makeLearner(configuration: configuration, observationDimension: observation,
                                      actionDimension: action, initialization: root.child("initialisation"))
            let buffer = randomBuffer(observation: observation, action: action, using: root.child("data"))
            let replay = root.child("replay")
            let updateStream = root.child("update")
            var sample = ReplayBatch()
            func step() {
                buffer.sample(count: batch, using: replay, into: &sample)
                _ = learner.update(on: sample, using: updateStream)
            }

            for _ in 0..<min(200, max(updates, 1)) { step() }
            let rounds = 5
            let perRound = max(1, updates / rounds)
            var perUpdate: [Double] = []
            for _ in 0..<rounds {
                let start = monotonicSeconds()
                for _ in 0..<perRound { step() }
                perUpdate.append((monotonicSeconds() - start) / Double(perRound))
            }
            let sorted = perUpdate.sorted()
            let shape = ([observation] + hidden + [action]).map(String.init).joined(separator: "-")
            let name = "update.\(algorithm.rawValue).\(shape)" + (layerNorm ? ".layernorm" : "") + ".batch\(batch)"
            return BenchmarkMeasurement(name: name, iterations: perRound * rounds,
                                        secondsPerIteration: sorted[rounds / 2],
                                        fastestSecondsPerIteration: sorted[0], work: ("updates", 1))
        }
    }

    /// A full buffer of random transitions: observations and next observations N(0, 1), actions U(−1, 1),
    /// rewards N(0, 1), no terminations.
    static func randomBuffer(observation: Int, action: Int, using stream: RandomStream) -> ReplayBuffer {
        var buffer = ReplayBuffer(capacity: bufferCapacity, observationDimension: observation,
                                  actionDimension: action)
        for _ in 0..<bufferCapacity {
            buffer.append(observation: (0..<observation).map { _ in Float(stream.gaussian()) },
                          action: (0..<action).map { _ in Float(stream.uniform(from: -1, to: 1)) },
                          reward: Float(stream.gaussian()),
                          nextObservation: (0..<observation).map { _ in Float(stream.gaussian()) },
                          isTerminal: false, isTruncated: false)
        }
        return buffer
    }
}
