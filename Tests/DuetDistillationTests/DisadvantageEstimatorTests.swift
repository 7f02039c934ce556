import DuetDistillation
import DuetLearners
import DuetNumerics
import DuetRandom
import XCTest

/// A one-dimensional off-policy learner with hand-workable critics: it acts a constant `action`, its first
/// critic is Q₁(s, a) = slope·s + gain·a + bias, its second Q₂ = Q₁ + twinOffset, and V(s) = Q₁(s, action). As a
/// stochastic policy (when `sampleSpread` is set) it samples action + sampleSpread·u, u uniform from the stream.
private struct CriticLearner: Distillable {
    var action: Float
    var slope: Float = 1
    var gain: Float = 2
    var bias: Float = 0
    var twinOffset: Float = 0
    var sampleSpread: Float?
    var observationDimension: Int { 1 }
    var actionDimension: Int { 1 }
    var updateColumns: [String] { [] }

    func q1(_ state: Float, _ action: Float) -> Float { slope * state + gain * action + bias }
    func deterministicAction(for observation: [Float]) -> [Float] { [action] }
    func policyEvaluation(for observations: Matrix<Float>) -> PolicyEvaluation {
        PolicyEvaluation(actions: Matrix(rows: observations.rows, columns: 1, repeating: action),
                         values: (0..<observations.rows).map { q1(observations[$0, 0], action) })
    }
    func actionValues(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float]? {
        (0..<observations.rows).map { q1(observations[$0, 0], actions[$0, 0]) }
    }
    func minimumActionValues(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float]? {
        (0..<observations.rows).map {
            let first = q1(observations[$0, 0], actions[$0, 0])
            return min(first, first + twinOffset)
        }
    }
    func sampledActions(for observations: Matrix<Float>, using stream: RandomStream) -> Matrix<Float>? {
        guard let sampleSpread else { return nil }
        return Matrix(rows: observations.rows, columns: 1) { _, _ in action + sampleSpread * Float(stream.uniform()) }
    }
    mutating func distill(states observations: Matrix<Float>, targets: Matrix<Float>, weights: [Float]) -> Double {
        0
    }
    func policyReadout(for observations: Matrix<Float>) -> PolicyReadout<Float> {
        PolicyReadout(actions: policyEvaluation(for: observations).actions, hidden: [], gaussian: nil)
    }
    mutating func distill(states observations: Matrix<Float>, objective: some DistillationObjective) -> Double { 0 }
    func store(in archive: inout ParameterArchive<Float>, prefix: String) {}
    mutating func restore(from archive: ParameterArchive<Float>, prefix: String) throws {}
}


/// Each value estimate of ξ, the ξ scaling, the reference PPO's extra 1/N and `target: sample`, on hand-worked
/// numbers. States {0, 1, 2, 3}; the learner acts 0.1 with Q₁(s, a) = s + 2a, the peer acts 0.5 with
/// Q̃₁(s, a) = s + 2a + peerBias.
final class DisadvantageEstimatorTests: XCTestCase {
    private let states: [Float] = [0, 1, 2, 3]

    private func prepare(_ estimate: ValueEstimate, learner: CriticLearner = CriticLearner(action: 0.1),
                         peer: CriticLearner = CriticLearner(action: 0.5, bias: 10),
                         configure: (inout DistillationConfiguration) -> Void = { _ in },
                         stream: RandomStream = RandomStream(seed: 0, name: "unused")) throws -> PreparedDistillation {
        var configuration = DistillationConfiguration()
        configuration.batchSize = states.count
        configuration.valueEstimate = estimate
        configuration.weighting = .disadvantage
        configuration.alpha = 1
        configure(&configuration)
        return try XCTUnwrap(PreparedDistillation.prepare(
            learner: learner, peers: [DistillationPeer(index: 1, learner: peer, states: FixedStates(rows: states))],
            selection: .best, configuration: configuration, using: stream))
    }

    /// ξ from the weights' logged mean and from the estimates' two sides.
    private func assertDisadvantage(_ prepared: PreparedDistillation, each expected: Double, own: Double, peer: Double,
                                    file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(prepared.weights.meanDisadvantage, expected, accuracy: 1e-5, file: file, line: line)
        for quartile in prepared.estimates.disadvantageQuartiles {
            XCTAssertEqual(quartile, expected, accuracy: 1e-5, file: file, line: line)
        }
        XCTAssertEqual(prepared.estimates.ownValueMean, own, accuracy: 1e-5, file: file, line: line)
        XCTAssertEqual(prepared.estimates.peerValueMean, peer, accuracy: 1e-5, file: file, line: line)
    }

    /// The paper: Q̃(s, π̃(s)) − Q(s, π(s)) = (s + 1 + 10) − (s + 0.2) = 10.8 on every state; the peer's +10 critic
    /// bias is all of it but 0.8.
    func testOwnActionComparesTheTwoCritics() throws {
        let prepared = try prepare(.ownAction)
        assertDisadvantage(prepared, each: 10.8, own: 1.5 + 0.2, peer: 1.5 + 11)
    }

    /// The reference DDPG: Q̃(s, π̃(s)) − Q(s, π̃(s)) = (s + 11) − (s + 1) = 10.
    func testPeerActionUsesTheLearnersCriticAtTheTarget() throws {
        let prepared = try prepare(.peerAction)
        assertDisadvantage(prepared, each: 10, own: 1.5 + 1, peer: 1.5 + 11)
    }

    /// Own critic for both: Q(s, π̃(s)) − Q(s, π(s)) = 2·(0.5 − 0.1) = 0.8, whatever the peer's critic says.
    func testOwnCriticCancelsThePeersCriticBias() throws {
        let prepared = try prepare(.ownCritic)
        assertDisadvantage(prepared, each: 0.8, own: 1.5 + 0.2, peer: 1.5 + 1)
        let biased = try prepare(.ownCritic, peer: CriticLearner(action: 0.5, bias: -300, twinOffset: 7))
        XCTAssertEqual(biased.weights.weights, prepared.weights.weights)
        XCTAssertEqual(biased.estimates, prepared.estimates)
    }

    /// Twin critics: the peer's second critic is 4 lower, the learner's 1 lower, so
    /// ξ = (s + 11 − 4) − (s + 0.2 − 1) = 7.8.
    func testMinCriticsTakesEachLearnersMinimumOverItsCritics() throws {
        let prepared = try prepare(.minCritics, learner: CriticLearner(action: 0.1, twinOffset: -1),
                                   peer: CriticLearner(action: 0.5, bias: 10, twinOffset: -4))
        assertDisadvantage(prepared, each: 7.8, own: 1.5 + 0.2 - 1, peer: 1.5 + 11 - 4)
        // A twin critic above the first changes nothing.
        let higher = try prepare(.minCritics, learner: CriticLearner(action: 0.1, twinOffset: 3),
                                 peer: CriticLearner(action: 0.5, bias: 10, twinOffset: 5))
        assertDisadvantage(higher, each: 10.8, own: 1.7, peer: 12.5)
    }

    /// ξᵢ = 0.5·sᵢ − 0.5 (the peer's slope 1.5 against the learner's 1, both acting 0.25), so σ(ξ) = 0.5·σ(s);
    /// standardised, the weights are clip(exp(ξᵢ/σ)) normalised, computed here by hand.
    func testStandardizedDisadvantagesDivideByTheBatchStandardDeviation() throws {
        let learner = CriticLearner(action: 0.25, bias: 0.5)
        let peer = CriticLearner(action: 0.25, slope: 1.5)
        let plain = try prepare(.ownAction, learner: learner, peer: peer)
        let scaled = try prepare(.ownAction, learner: learner, peer: peer) { $0.xiScale = .standardize }
        let xi = states.map { 0.5 * Double($0) - 0.5 }
        let mean = xi.reduce(0, +) / 4
        let deviation = (xi.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4).squareRoot()
        XCTAssertEqual(deviation, 0.5 * (1.25).squareRoot(), accuracy: 1e-12)
        let raw = xi.map { exp($0 / deviation) }
        let expected = raw.map { $0 / raw.reduce(0, +) }
        for (weight, hand) in zip(scaled.weights.weights, expected) { XCTAssertEqual(weight, hand, accuracy: 1e-6) }
        XCTAssertNotEqual(scaled.weights.weights, plain.weights.weights)
        // The logged ξ statistics stay unscaled.
        XCTAssertEqual(scaled.weights.meanDisadvantage, mean, accuracy: 1e-6)
        XCTAssertEqual(scaled.estimates, plain.estimates)
        XCTAssertEqual(scaled.estimates.disadvantageQuartiles[0], -0.125, accuracy: 1e-6)
        XCTAssertEqual(scaled.estimates.disadvantageQuartiles[1], 0.25, accuracy: 1e-6)
        XCTAssertEqual(scaled.estimates.disadvantageQuartiles[2], 0.625, accuracy: 1e-6)
    }

    /// A batch with one ξ everywhere has σ = 0: standardising leaves it as it is.
    func testStandardizingAConstantBatchLeavesItUnchanged() throws {
        let plain = try prepare(.ownAction)
        let scaled = try prepare(.ownAction) { $0.xiScale = .standardize }
        XCTAssertEqual(scaled.weights, plain.weights)
    }

    /// The released DPD-PPO code's weights: reversed sign, normalised, then a batch mean, so they sum to 1/N.
    func testReferencePPOWeightsCarryTheExtraOneOverN() throws {
        let learner = CriticLearner(action: 0.25, bias: 0.5)
        let peer = CriticLearner(action: 0.25, slope: 1.5)
        let prepared = try prepare(.ownAction, learner: learner, peer: peer) { $0.weighting = .referencePPO }
        let raw = states.map { exp(-(0.5 * Double($0) - 0.5)) }
        for (weight, hand) in zip(prepared.weights.weights, raw) {
            XCTAssertEqual(weight, hand / raw.reduce(0, +) / 4, accuracy: 1e-7)
        }
        XCTAssertEqual(prepared.weights.weights.reduce(0, +), 0.25, accuracy: 1e-7)
    }

    /// `target: sample`: the targets are the peer's draws, from the distillation stream after the states (the
    /// fixed states draw nothing here), while ξ still uses the peer's value at its mean.
    func testSampledTargetsAreThePeersDrawsFromTheStream() throws {
        let peer = CriticLearner(action: 0.5, bias: 10, sampleSpread: 0.2)
        let prepared = try prepare(.ownAction, peer: peer, configure: { $0.target = .sample },
                                   stream: RandomStream(seed: 9, name: "distillation"))
        let replay = RandomStream(seed: 9, name: "distillation")
        let expected = states.map { _ in 0.5 + 0.2 * Float(replay.uniform()) }
        XCTAssertEqual(prepared.targets.scalars, expected)
        XCTAssertEqual(prepared.weights.meanDisadvantage, 10.8, accuracy: 1e-5)
        // With own-critic the learner's critic judges the sampled targets: ξᵢ = 2·(ãᵢ − 0.1).
        let judged = try prepare(.ownCritic, peer: peer, configure: { $0.target = .sample },
                                 stream: RandomStream(seed: 9, name: "distillation"))
        let meanTarget = expected.reduce(0, +) / 4
        XCTAssertEqual(judged.weights.meanDisadvantage, Double(2 * (meanTarget - 0.1)), accuracy: 1e-5)
    }

    /// NumPy's linear-interpolation percentiles of ξ: for {−0.5, 0, 0.5, 1} they are −0.125, 0.25, 0.625.
    func testQuartilesInterpolateLikeNumPy() {
        let estimates = DisadvantageEstimates(ownValues: [1, 2], peerValues: [3, 5], disadvantages: [1, -0.5, 0.5, 0])
        XCTAssertEqual(estimates.disadvantageQuartiles, [-0.125, 0.25, 0.625])
        XCTAssertEqual(estimates.ownValueMean, 1.5)
        XCTAssertEqual(estimates.peerValueMean, 4)
    }
}
