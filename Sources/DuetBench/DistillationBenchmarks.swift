import DuetDistillation
import DuetLearners
import DuetNumerics
import DuetRandom

/// Timings of one disadvantageous distillation step between two off-policy learners: what
/// `duet bench distill` prints, to set against `duet bench update` with the same shapes (the cost of a
/// distillation step relative to an RL update is what a distilling pair pays over two learners without it).
///
/// A step as the trainer takes it: **prepare** draws `batch` states from the peer's replay buffer (100,000
/// transitions of random data), evaluates the learner's and the peer's policies and values there (π(s), Q(s, π(s)),
/// π̃(s), Q̃(s, π̃(s))) and turns ξ = Q̃ − Q into weights; **apply** takes the one optimiser step on the learner's
/// actor toward the peer's actions. Both learners are built with their algorithm's SB3 defaults apart from the
/// widths; the distillation block has its defaults apart from the batch size and the objective (the distillation
/// family's: action matching, sample relations over actions or hidden features, layer relations, the Gaussian KL
/// of soft targets, each with its prepare and apply as the trainer runs them). OpenBLAS runs on one thread.
public enum DistillationBenchmarks {
    /// Times `steps` distillation steps (after a warm-up of up to 200) in five rounds: the median round's time per
    /// step for prepare, apply and the whole step, in that order (work unit `steps`).
    /// - Parameters:
    ///   - algorithm: both learners' algorithm (off-policy).
    ///   - hidden: hidden widths of the actors and critics.
    ///   - batch: distillation states per step (`distillation.batchSize`).
    ///   - observation: observation dimension.
    ///   - action: action dimension.
    ///   - steps: timed steps in total (at least 5).
    ///   - objective: what the step minimises (`distillation.objective`); `kl` needs a stochastic learner (SAC).
    ///   - relationFeatures: what the sample relations compare (`distillation.relations.features`).
    /// - Precondition: `objective` is not `kl` unless `algorithm` is SAC.
    public static func run(algorithm: LearnerAlgorithm, hidden: [Int], batch: Int, observation: Int, action: Int,
                           steps: Int, objective: DistillationObjectiveKind = .actions,
                           relationFeatures: RelationFeatures = .actions) -> [BenchmarkMeasurement] {
        precondition(objective != .kl || algorithm == .sac, "the Gaussian KL needs stochastic learners (SAC)")
        return BLASRuntime.withThreadCount(1) {
            let root = RandomStream(seed: 0, name: "bench-distill")
            var configuration = LearnerConfiguration(algorithm: algorithm)
            configuration.hidden = hidden
            var learner = makeLearner(configuration: configuration, observationDimension: observation,
                                      actionDimension: action, initialization: root.child("learner"))
            let peer = makeLearner(configuration: configuration, observationDimension: observation,
                                   actionDimension: action, initialization: root.child("peer"))
            let buffer = UpdateBenchmarks.randomBuffer(observation: observation, action: action,
                                                       using: root.child("data"))
            let peers = [DistillationPeer(index: 1, learner: peer, states: buffer)]
            var distillation = DistillationConfiguration()
            distillation.batchSize = batch
            distillation.objective = objective
            distillation.relations.features = relationFeatures
            let stream = root.child("distillation")
            func prepare() -> PreparedDistillation {
                guard let prepared = PreparedDistillation.prepare(learner: learner, peers: peers, selection: .best,
                                                                  configuration: distillation, using: stream)
                else { preconditionFailure("the peer's buffer is full") }
                return prepared
            }

            for _ in 0..<min(200, max(steps, 1)) { _ = prepare().apply(to: &learner) }
            let rounds = 5
            let perRound = max(1, steps / rounds)
            var prepareTimes: [Double] = []
            var applyTimes: [Double] = []
            for _ in 0..<rounds {
                var preparing = 0.0
                var applying = 0.0
                for _ in 0..<perRound {
                    let start = monotonicSeconds()
                    let step = prepare()
                    let middle = monotonicSeconds()
                    _ = step.apply(to: &learner)
                    applying += monotonicSeconds() - middle
                    preparing += middle - start
                }
                prepareTimes.append(preparing / Double(perRound))
                applyTimes.append(applying / Double(perRound))
            }
            let shape = ([observation] + hidden + [action]).map(String.init).joined(separator: "-")
            let name = "distill.\(algorithm.rawValue).\(shape)"
                + ".batch\(batch)" + (objective == .actions ? "" : ".\(objective.rawValue)")
                + (objective == .relations && relationFeatures == .hidden ? "-hidden" : "")
            let whole = zip(prepareTimes, applyTimes).map { $0 + $1 }
            return [("prepare", prepareTimes), ("apply", applyTimes), ("step", whole)].map { part, times in
                let sorted = times.sorted()
                return BenchmarkMeasurement(name: "\(name).\(part)", iterations: perRound * rounds,
                                            secondsPerIteration: sorted[rounds / 2],
                                            fastestSecondsPerIteration: sorted[0], work: ("steps", 1))
            }
        }
    }
}
