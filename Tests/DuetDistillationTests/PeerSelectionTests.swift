import DuetDistillation
import DuetLearners
import DuetNumerics
import DuetRandom
import XCTest

/// A one-dimensional learner whose policy is a constant action and whose value is linear in the state,
/// V(s) = slope·s: enough to hand-work which peer is best on which state.
private struct LinearPeer: Distillable {
    var action: Float
    var slope: Float
    var observationDimension: Int { 1 }
    var actionDimension: Int { 1 }
    var updateColumns: [String] { [] }
    func deterministicAction(for observation: [Float]) -> [Float] { [action] }
    func policyEvaluation(for observations: Matrix<Float>) -> PolicyEvaluation {
        PolicyEvaluation(actions: Matrix(rows: observations.rows, columns: 1, repeating: action),
                         values: (0..<observations.rows).map { slope * observations[$0, 0] })
    }
    func actionValues(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float]? { nil }
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


final class PeerSelectionTests: XCTestCase {
    /// Learner 0 acts 0 with V ≡ 0. Peer 1 acts +0.5 with V(s) = s, on states {1, −1}; peer 2 acts −0.5 with
    /// V(s) = −s, on states {2, −2}. Peer 1 is best where s > 0, peer 2 where s < 0.
    private let learner = LinearPeer(action: 0, slope: 0)
    private let peers = [
        DistillationPeer(index: 1, learner: LinearPeer(action: 0.5, slope: 1), states: FixedStates(rows: [1, -1])),
        DistillationPeer(index: 2, learner: LinearPeer(action: -0.5, slope: -1), states: FixedStates(rows: [2, -2])),
    ]

    private func configuration(_ weighting: DistillationWeighting) -> DistillationConfiguration {
        var configuration = DistillationConfiguration()
        configuration.batchSize = 2
        configuration.weighting = weighting
        configuration.alpha = 1
        return configuration
    }

    private func prepare(_ selection: PeerSelection, _ weighting: DistillationWeighting = .uniform,
                         peers: [DistillationPeer]? = nil) throws -> PreparedDistillation {
        try XCTUnwrap(PreparedDistillation.prepare(
            learner: learner, peers: peers ?? self.peers, selection: selection,
            configuration: configuration(weighting), using: RandomStream(seed: 0, name: "unused")))
    }

    func testBestTakesThePeerWithTheHighestValuePerState() throws {
        let step = try prepare(.best)
        XCTAssertEqual(step.states.scalars, [1, -1, 2, -2])
        // s = 1: V₁ = 1 > V₂ = −1 → peer 1 (+0.5); s = −1: V₂ = 1 → peer 2 (−0.5); likewise for ±2.
        XCTAssertEqual(step.targets.scalars, [0.5, -0.5, 0.5, -0.5])
        // ξ = max(V₁, V₂) − V₀ = |s|: 1, 1, 2, 2.
        XCTAssertEqual(step.weights.meanDisadvantage, 1.5)
        XCTAssertEqual(step.weights.fractionDisadvantageous, 1)
        XCTAssertEqual(step.weights.weights, [0.25, 0.25, 0.25, 0.25])
        // Soft weights e^{ξ} normalised over the whole batch: (e, e, e², e²)/(2e + 2e²).
        let soft = try prepare(.best, .disadvantage).weights.weights
        let total = 2 * exp(1.0) + 2 * exp(2.0)
        for (weight, expected) in zip(soft, [exp(1.0), exp(1.0), exp(2.0), exp(2.0)].map { $0 / total }) {
            XCTAssertEqual(weight, expected, accuracy: 1e-12)
        }
        // Loss Σ wᵢ·(0 − ãᵢ)² = 0.25 per state here.
        XCTAssertEqual(try prepare(.best).loss, 0.25, accuracy: 1e-12)
    }

    func testAllSumsEachPeersWeightedTermOnItsOwnStates() throws {
        let step = try prepare(.all)
        XCTAssertEqual(step.states.scalars, [1, -1, 2, -2])
        XCTAssertEqual(step.targets.scalars, [0.5, 0.5, -0.5, -0.5])
        // ξ from each peer on its own states: (1, −1) from peer 1, (−2, 2) from peer 2.
        XCTAssertEqual(step.weights.meanDisadvantage, 0)
        XCTAssertEqual(step.weights.fractionDisadvantageous, 0.5)
        // Uniform weights normalised within each peer's batch: ½ each, so the loss is the sum of two means.
        XCTAssertEqual(step.weights.weights, [0.5, 0.5, 0.5, 0.5])
        XCTAssertEqual(step.loss, 0.5, accuracy: 1e-12)
        // Indicator weights: within each part only the state with ξ > 0 counts.
        XCTAssertEqual(try prepare(.all, .indicator).weights.weights, [1, 0, 0, 1])
    }

    func testRingUsesTheNextPeerOnly() throws {
        XCTAssertEqual(PeerSelection.ring.sources(for: 0, peerCount: 3), [1])
        XCTAssertEqual(PeerSelection.ring.sources(for: 2, peerCount: 3), [0])
        XCTAssertEqual(PeerSelection.best.sources(for: 1, peerCount: 3), [0, 2])
        XCTAssertEqual(PeerSelection.all.sources(for: 1, peerCount: 2), [0])
        let step = try prepare(.ring, peers: [peers[0]])
        XCTAssertEqual(step.states.scalars, [1, -1])
        XCTAssertEqual(step.targets.scalars, [0.5, 0.5])
        XCTAssertEqual(step.weights.meanDisadvantage, 0)
        XCTAssertEqual(step.weights.fractionDisadvantageous, 0.5)
    }

    /// With one peer the three selections are the same step.
    func testSelectionsAgreeWithOnePeer() throws {
        let best = try prepare(.best, .disadvantage, peers: [peers[1]])
        for selection in [PeerSelection.all, .ring] {
            let other = try prepare(selection, .disadvantage, peers: [peers[1]])
            XCTAssertEqual(other.targets, best.targets)
            XCTAssertEqual(other.weights, best.weights)
            XCTAssertEqual(other.loss, best.loss)
        }
    }

    func testLabelsOfThePeerColumn() {
        XCTAssertEqual(PeerSelection.best.label(for: 0, peerCount: 2), "1")
        XCTAssertEqual(PeerSelection.ring.label(for: 1, peerCount: 2), "0")
        XCTAssertEqual(PeerSelection.ring.label(for: 2, peerCount: 3), "0")
        XCTAssertEqual(PeerSelection.best.label(for: 0, peerCount: 3), "best")
        XCTAssertEqual(PeerSelection.all.label(for: 0, peerCount: 4), "all")
    }

    func testPeersWithoutStatesAreSkipped() {
        let empty = DistillationPeer(index: 1, learner: LinearPeer(action: 1, slope: 1), states: FixedStates(rows: []))
        XCTAssertNil(PreparedDistillation.prepare(learner: learner, peers: [empty], selection: .best,
                                                  configuration: configuration(.uniform),
                                                  using: RandomStream(seed: 0, name: "unused")))
    }
}
