import DuetDistillation
import DuetLearners
import DuetNumerics
import DuetRandom
import XCTest

/// The distillation family on real learners: each objective's steps pull the learner toward its peer, across
/// network widths for the relations, and for both Gaussian families for the KL.
final class DistillationFamilyLearnerTests: XCTestCase {
    /// A learner of `algorithm` with `hidden` widths on 3-dimensional states and 2-dimensional actions, with gSDE
    /// when `stateDependent` (SAC and PPO).
    private func learner(_ algorithm: LearnerAlgorithm, hidden: [Int], seed: UInt64,
                         stateDependent: Bool = false) -> any Distillable {
        var configuration = LearnerConfiguration(algorithm: algorithm)
        configuration.hidden = hidden
        configuration.distillationLearningRate = 1e-3
        if stateDependent, case var .sac(sac) = configuration {
            sac.stateDependentExploration = StateDependentExplorationConfiguration(
                initialLogStandardDeviation: seed == 1 ? -1 : 0, resampleEvery: 0)
            configuration = .sac(sac)
        }
        if stateDependent, case var .ppo(ppo) = configuration {
            ppo.stateDependentExploration = true
            ppo.initialLogStandardDeviation = seed == 1 ? -1 : 0
            configuration = .ppo(ppo)
        }
        let stream = RandomStream(seed: seed, name: "initialization")
        if case let .ppo(ppo) = configuration {
            return PPO(observationDimension: 3, actionLow: [-2, -2], actionHigh: [2, 2], configuration: ppo,
                       initialization: stream)
        }
        return makeLearner(configuration: configuration, observationDimension: 3, actionDimension: 2,
                           initialization: stream)
    }

    /// 32 fixed states in [−1, 1]³.
    private let states = FixedStates(rows: (0..<96).map { index in Float(sin(Double(index) * 1.7)) }, width: 3)

    /// The loss of `configuration`'s step from `peer` before the first and after `steps` steps.
    private func lossBeforeAndAfter(_ configuration: DistillationConfiguration, learner: inout some Distillable,
                                    peer: any Distillable, steps: Int) -> (before: Double, after: Double) {
        let stream = RandomStream(seed: 1, name: "distillation")
        func prepared() -> PreparedDistillation {
            PreparedDistillation.prepare(learner: learner, peers: [DistillationPeer(index: 1, learner: peer,
                                                                                     states: states)],
                                         selection: .best, configuration: configuration, using: stream)!
        }
        let before = prepared().loss
        for _ in 0..<steps { _ = prepared().apply(to: &learner) }
        return (before, prepared().loss)
    }

    private func configuration(_ objective: DistillationObjectiveKind) -> DistillationConfiguration {
        var configuration = DistillationConfiguration()
        configuration.objective = objective
        configuration.weighting = .uniform
        configuration.batchSize = 32
        return configuration
    }

    /// Actors of widths 64 and 256 have relation matrices of the same size: distilling the narrow one's last
    /// hidden layer (and its actions) toward the wide one's relations brings the matrices together.
    func testRelationsPullActorsOfDifferentWidthsTogether() {
        let peer = learner(.td3, hidden: [256, 256], seed: 2)
        for features in RelationFeatures.allCases {
            var narrow = learner(.td3, hidden: [64, 64], seed: 1)
            var settings = configuration(.relations)
            settings.relations.features = features
            let (before, after) = lossBeforeAndAfter(settings, learner: &narrow, peer: peer, steps: 150)
            XCTAssertGreaterThan(before, 0, "\(features)")
            XCTAssertLessThan(after, 0.5 * before, "\(features): \(before) → \(after)")
        }
    }

    func testLayerRelationsPullTheLayersCosinesTogether() {
        let peer = learner(.td3, hidden: [256, 128], seed: 2)
        var narrow = learner(.ddpg, hidden: [64, 32], seed: 1)
        let (before, after) = lossBeforeAndAfter(configuration(.layerRelations), learner: &narrow, peer: peer,
                                                 steps: 150)
        XCTAssertGreaterThan(before, 0)
        XCTAssertLessThan(after, 0.5 * before, "\(before) → \(after)")
    }

    /// The Gaussian KL moves both the means and the standard deviations: SAC's state-dependent σ(s) and PPO's
    /// state-independent log σ.
    func testGaussianKLPullsStochasticPoliciesTogether() {
        for algorithm in [LearnerAlgorithm.sac, .ppo] {
            for direction in KLDirection.allCases {
                let peer = learner(algorithm, hidden: [32, 32], seed: 2)
                var student = learner(algorithm, hidden: [32, 32], seed: 1)
                var settings = configuration(.kl)
                settings.klDirection = direction
                if algorithm == .ppo {
                    // PPO's log σ starts at 0 in both: make the peer's wider so that σ has something to learn.
                    var widePeer = peer as! PPO
                    var archive = ParameterArchive<Float>(source: "test")
                    widePeer.store(in: &archive, prefix: "p")
                    archive.store(Matrix<Float>(rows: 1, columns: 2, repeating: 0.7),
                                  as: "p.parameters.logStandardDeviation")
                    try! widePeer.restore(from: archive, prefix: "p")
                    let (before, after) = lossBeforeAndAfter(settings, learner: &student, peer: widePeer, steps: 300)
                    XCTAssertLessThan(after, 0.5 * before, "ppo \(direction): \(before) → \(after)")
                    let readout = student.policyReadout(for: Matrix(rows: 1, columns: 3, repeating: 0))
                    XCTAssertGreaterThan(readout.gaussian!.logDeviations[0, 0], 0.1, "ppo \(direction): log σ moved")
                } else {
                    let (before, after) = lossBeforeAndAfter(settings, learner: &student, peer: peer, steps: 300)
                    XCTAssertLessThan(after, 0.5 * before, "sac \(direction): \(before) → \(after)")
                }
            }
        }
    }

    /// Under gSDE the KL compares the marginals over W, N(μ(s), (h ⊙ h)·σ_W² + 10⁻⁶): its steps pull the student
    /// (log σ_W starting at −1) toward the peer (at 0), moving log σ_W, for SAC and PPO and both directions.
    /// SAC trains its features h through v and halves the loss; PPO detaches them (SB3's `learn_features=False`),
    /// so the variances' pattern across states follows only μ and σ_W, and the loss falls by a fifth or more.
    func testGaussianKLPullsStateDependentPoliciesTogether() throws {
        for algorithm in [LearnerAlgorithm.sac, .ppo] {
            for direction in KLDirection.allCases {
                let peer = learner(algorithm, hidden: [32, 32], seed: 2, stateDependent: true)
                var student = learner(algorithm, hidden: [32, 32], seed: 1, stateDependent: true)
                func explorationDeviations(_ learner: any Distillable) throws -> [Float] {
                    if let sac = learner as? SAC { return sac.actor.explorationLogStandardDeviation.scalars }
                    return try XCTUnwrap(learner as? PPO).parameters.logDeviation.values.scalars
                }
                let initial = try explorationDeviations(student)
                XCTAssertEqual(initial.count, 32 * 2, "\(algorithm): log σ_W is H × dim(A)")
                var settings = configuration(.kl)
                settings.klDirection = direction
                let (before, after) = lossBeforeAndAfter(settings, learner: &student, peer: peer, steps: 300)
                XCTAssertGreaterThan(before, 0, "\(algorithm) \(direction)")
                XCTAssertLessThan(after, (algorithm == .sac ? 0.5 : 0.8) * before,
                                  "\(algorithm) \(direction): \(before) → \(after)")
                let final = try explorationDeviations(student)
                let moved = zip(final, initial).map { abs($0 - $1) }.max() ?? 0
                XCTAssertGreaterThan(moved, 0.05, "\(algorithm) \(direction): log σ_W moved")
                // Toward the peer's wider noise (log σ_W 0 against the student's −1): up on average.
                func mean(_ values: [Float]) -> Float { values.reduce(0, +) / Float(values.count) }
                XCTAssertGreaterThan(mean(final), mean(initial) + 0.01, "\(algorithm) \(direction): log σ_W rose")
            }
        }
    }

    /// With instance smoothing the step's targets lie between the peer's actions and the learner's own, each by
    /// its amount, and the action distance is still measured to the peer's actions.
    func testSmoothingShrinksTheTargetsTowardTheLearner() {
        let peer = learner(.td3, hidden: [32, 32], seed: 2)
        let student = learner(.td3, hidden: [32, 32], seed: 1)
        var plain = configuration(.actions)
        let sources = [DistillationPeer(index: 1, learner: peer, states: states)]
        let unsmoothed = PreparedDistillation.prepare(learner: student, peers: sources, selection: .best,
                                                      configuration: plain,
                                                      using: RandomStream(seed: 1, name: "d"))!
        plain.smoothing = 1
        let smoothed = PreparedDistillation.prepare(learner: student, peers: sources, selection: .best,
                                                    configuration: plain, using: RandomStream(seed: 1, name: "d"))!
        XCTAssertEqual(smoothed.states, unsmoothed.states)
        XCTAssertEqual(smoothed.actionDistance, unsmoothed.actionDistance)
        let own = student.policyEvaluation(for: smoothed.states).actions
        XCTAssertLessThan(smoothed.loss, unsmoothed.loss)
        for row in 0..<own.rows {
            for k in 0..<own.columns {
                let (low, high) = (min(own[row, k], unsmoothed.targets[row, k]),
                                   max(own[row, k], unsmoothed.targets[row, k]))
                XCTAssertTrue(smoothed.targets[row, k] >= low - 1e-6 && smoothed.targets[row, k] <= high + 1e-6)
            }
        }
    }
}
