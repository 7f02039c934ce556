import DuetDistillation
import DuetLearners
import DuetNumerics
import DuetRandom
import DuetTestSupport
import XCTest

/// The distillation family's objectives (dpd-algorithm.md §6): hand-worked values on 4-state batches, gradient
/// checks in Double, the Beta-rank assignment, the Gaussian KL against its definition.
final class DistillationFamilyTests: XCTestCase {
    private let uniform = [0.25, 0.25, 0.25, 0.25]

    private func column(_ values: [Double]) -> Matrix<Double> {
        Matrix(rows: values.count, columns: 1, scalars: values)
    }

    // MARK: Sample relations

    /// Features 0, 1, 2, 4 against the peer's 0, 1, 2, 3 (distance only, uniform weights, so every ordered pair
    /// weighs 1/12). Mean distances: 13/6 and 5/3, so Dᵢⱼ = 6dᵢⱼ/13 and D̃ᵢⱼ = 3d̃ᵢⱼ/5; the six differences are
    /// −9, −18, 3, −9, 12, 21 (over 65); Σr² = 1080/4225 and L = 2·(1/12)·Σr² = 36/845 (squared), half that
    /// with Huber (every |r| < 1).
    func testDistanceRelationsOnAHandWorkedBatch() {
        let target = SampleRelations.matrices(of: column([0, 1, 2, 3]))
        XCTAssertEqual(target.distances[0][3], 9.0 / 5, accuracy: 1e-12)
        var gradient = Matrix<Double>()
        let squared = SampleRelations.loss(features: column([0, 1, 2, 4]), target: target, weights: uniform,
                                           distanceWeight: 1, angleWeight: 0, penalty: .squared,
                                           gradient: &gradient)
        XCTAssertEqual(squared, 36.0 / 845, accuracy: 1e-12)
        let huber = SampleRelations.loss(features: column([0, 1, 2, 4]), target: target, weights: uniform,
                                         distanceWeight: 1, angleWeight: 0, penalty: .huber, gradient: &gradient)
        XCTAssertEqual(huber, 18.0 / 845, accuracy: 1e-12)
        // Distances over their mean do not see scale: a peer twice as spread has the same relations.
        let scaled = SampleRelations.loss(features: column([0, 1, 2, 4]),
                                          target: SampleRelations.matrices(of: column([0, 2, 4, 8])),
                                          weights: uniform, distanceWeight: 1, angleWeight: 0, penalty: .squared,
                                          gradient: &gradient)
        XCTAssertEqual(scaled, 0, accuracy: 1e-12)
    }

    /// The learner's four features point right, up, left, down (centred already); the peer's right, right, left,
    /// left. Cosines: learner c₀₁ = 0, c₀₂ = −1, c₀₃ = 0, c₁₂ = 0, c₁₃ = −1, c₂₃ = 0; peer 1, −1, −1, −1, −1, 1.
    /// Differences −1, 0, 1, 1, 0, −1: squared L = 2·(1/12)·4 = 2/3; Huber (|r| = 1 is past the kink, 1/2 each)
    /// L = 2·(1/12)·2 = 1/3.
    func testAngleRelationsOnAHandWorkedBatch() {
        let learner = Matrix<Double>(rows: 4, columns: 2, scalars: [1, 0, 0, 1, -1, 0, 0, -1])
        let peer = Matrix<Double>(rows: 4, columns: 2, scalars: [1, 0, 1, 0, -1, 0, -1, 0])
        let target = SampleRelations.matrices(of: peer)
        XCTAssertEqual(target.angles[0][1], 1, accuracy: 1e-12)
        var gradient = Matrix<Double>()
        XCTAssertEqual(SampleRelations.loss(features: learner, target: target, weights: uniform, distanceWeight: 0,
                                            angleWeight: 1, penalty: .squared, gradient: &gradient),
                       2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(SampleRelations.loss(features: learner, target: target, weights: uniform, distanceWeight: 0,
                                            angleWeight: 1, penalty: .huber, gradient: &gradient),
                       1.0 / 3, accuracy: 1e-12)
    }

    /// Pair weights ωᵢⱼ ∝ wᵢwⱼ keep the states' total weight: uniform weights give 1/P per pair.
    func testPairWeightsFollowTheStateWeights() {
        let uniformPairs = SampleRelations.pairWeights(uniform)
        XCTAssertEqual(uniformPairs[0][1], 1.0 / 12, accuracy: 1e-15)
        XCTAssertEqual(uniformPairs[2][2], 0)
        let pairs = SampleRelations.pairWeights([0.5, 0.5, 0, 0])
        XCTAssertEqual(pairs[0][1], 0.5, accuracy: 1e-15)
        XCTAssertEqual(pairs[0][2], 0)
        XCTAssertEqual(pairs.joined().reduce(0, +), 1, accuracy: 1e-15)
    }

    func testSampleRelationGradientMatchesFiniteDifferences() {
        var source = SeededSource(seed: 11)
        let features: Matrix<Double> = source.matrix(rows: 5, columns: 3)
        let peer: Matrix<Double> = source.matrix(rows: 5, columns: 3, from: -2, to: 2)
        let target = SampleRelations.matrices(of: peer)
        let weights = [0.1, 0.3, 0.2, 0.25, 0.15]
        for penalty in RelationPenalty.allCases {
            var gradient = Matrix<Double>()
            _ = SampleRelations.loss(features: features, target: target, weights: weights, distanceWeight: 1,
                                     angleWeight: 2, penalty: penalty, gradient: &gradient)
            let result = GradientCheck.check(at: features, analytic: gradient, step: 1e-6) { point in
                var unused = Matrix<Double>()
                return SampleRelations.loss(features: point, target: target, weights: weights, distanceWeight: 1,
                                            angleWeight: 2, penalty: penalty, gradient: &unused)
            }
            XCTAssertLessThan(result.relativeError, 1e-7, "\(penalty): \(result)")
        }
    }

    // MARK: Layer relations

    /// Two layers of width 2, projected by the identity: per-state cosines 1, 0, 1, 1/√2 against the peer's 1;
    /// squared, uniform weights, one layer pair: L = (1/4)·(0 + 1 + 0 + (1 − 1/√2)²).
    func testLayerRelationsOnAHandWorkedBatch() {
        let first = Matrix<Double>(rows: 4, columns: 2, scalars: [1, 0, 1, 0, 0, 1, 1, 1])
        let second = Matrix<Double>(rows: 4, columns: 2, scalars: [1, 0, 0, 1, 0, 1, 1, 0])
        let identity = Matrix<Double>(rows: 2, columns: 2, scalars: [1, 0, 0, 1])
        let cosines = LayerRelations.cosines([first, second])
        XCTAssertEqual(cosines.map { $0[0] }, [1, 0, 1, 1 / 2.0.squareRoot()].map { $0 }, accuracy: 1e-12)
        var gradients: [Matrix<Double>] = []
        let loss = LayerRelations.loss(hidden: [first, second], projections: [identity, identity],
                                       target: [[1], [1], [1], [1]], weights: uniform, penalty: .squared,
                                       gradients: &gradients)
        let gap = 1 - 1 / 2.0.squareRoot()
        XCTAssertEqual(loss, 0.25 * (1 + gap * gap), accuracy: 1e-12)
    }

    func testLayerRelationGradientMatchesFiniteDifferences() {
        var source = SeededSource(seed: 5)
        let widths = [4, 6, 3]
        let hidden: [Matrix<Double>] = widths.map { source.matrix(rows: 4, columns: $0, from: 0, to: 1) }
        let projections: [Matrix<Double>] = widths.enumerated().map { layer, width in
            let drawn = LayerRelations.projection(layer: layer, width: width, commonWidth: 5)
            return Matrix(rows: width, columns: 5) { Double(drawn[$0, $1]) }
        }
        let target = (0..<4).map { _ in (0..<3).map { _ in source.nextUniform() * 2 - 1 } }
        let weights = [0.4, 0.1, 0.3, 0.2]
        var gradients: [Matrix<Double>] = []
        _ = LayerRelations.loss(hidden: hidden, projections: projections, target: target, weights: weights,
                                penalty: .huber, gradients: &gradients)
        for layer in widths.indices {
            let result = GradientCheck.check(at: hidden[layer], analytic: gradients[layer], step: 1e-6) { point in
                var moved = hidden
                moved[layer] = point
                var unused: [Matrix<Double>] = []
                return LayerRelations.loss(hidden: moved, projections: projections, target: target,
                                           weights: weights, penalty: .huber, gradients: &unused)
            }
            XCTAssertLessThan(result.relativeError, 1e-7, "layer \(layer): \(result)")
        }
    }

    /// The projections are a fixed basis: the same for every call with the same shape, different across layers.
    func testLayerProjectionsAreFixedPerShape() {
        XCTAssertEqual(LayerRelations.projection(layer: 0, width: 8, commonWidth: 4),
                       LayerRelations.projections(for: [8], commonWidth: 4)[0])
        XCTAssertNotEqual(LayerRelations.projection(layer: 0, width: 8, commonWidth: 4),
                          LayerRelations.projection(layer: 1, width: 8, commonWidth: 4))
    }

    // MARK: Gaussian KL

    /// The closed form against a numerical integral of p log(p/q) (Simpson's rule on ±14 standard deviations).
    func testGaussianKLMatchesItsDefinition() {
        func density(_ x: Double, _ mean: Double, _ logDeviation: Double) -> Double {
            let deviation = Double.exponential(logDeviation)
            return Double.exponential(-0.5 * ((x - mean) / deviation) * ((x - mean) / deviation))
                / (deviation * (2 * Double.pi).squareRoot())
        }
        func integral(p: (Double, Double), q: (Double, Double)) -> Double {
            let (low, high, count) = (-14.0, 14.0, 20_000)
            let h = (high - low) / Double(count)
            var total = 0.0
            for index in 0...count {
                let x = low + Double(index) * h
                let (pd, qd) = (density(x, p.0, p.1), density(x, q.0, q.1))
                let value = pd > 0 ? pd * Double.naturalLogarithm(pd / qd) : 0
                total += value * (index == 0 || index == count ? 1 : (index % 2 == 1 ? 4 : 2))
            }
            return total * h / 3
        }
        let learner = (0.3, -0.2)
        let peer = (1.1, Double.naturalLogarithm(2))
        let forward = GaussianDivergence.divergence(mean: learner.0, logDeviation: learner.1, peerMean: peer.0,
                                                    peerLogDeviation: peer.1, direction: .forward)
        let reverse = GaussianDivergence.divergence(mean: learner.0, logDeviation: learner.1, peerMean: peer.0,
                                                    peerLogDeviation: peer.1, direction: .reverse)
        XCTAssertEqual(forward, integral(p: peer, q: learner), accuracy: 1e-8)
        XCTAssertEqual(reverse, integral(p: learner, q: peer), accuracy: 1e-8)
        // μ = 0, σ = 1 against μ̃ = 1, σ̃ = 2: KL(p̃‖p) = −log 2 + (4 + 1)/2 − 1/2 = 2 − log 2.
        XCTAssertEqual(GaussianDivergence.divergence(mean: 0, logDeviation: 0, peerMean: 1,
                                                     peerLogDeviation: Double.naturalLogarithm(2), direction: .forward),
                       2 - Double.naturalLogarithm(2), accuracy: 1e-14)
    }

    /// Four states, one dimension, the weights of the action-matching loss: L = Σᵢ wᵢ·KLᵢ.
    func testWeightedGaussianKLOnAHandWorkedBatch() {
        let learner = GaussianReadout(means: column([0, 0, 1, 2]), logDeviations: column([0, 0, 0, 0]))
        let peer = GaussianReadout(means: column([0, 1, 1, 2]), logDeviations: column([0, 0, Double.naturalLogarithm(2), 0]))
        var means = Matrix<Double>()
        var logs = Matrix<Double>()
        let loss = GaussianDivergence.loss(learner: learner, peer: peer, weights: [0.1, 0.2, 0.3, 0.4],
                                           direction: .forward, meanGradient: &means, logDeviationGradient: &logs)
        // KLs: 0; (0 + 1)/2 = 1/2; −log 2 + 4/2 − 1/2 = 3/2 − log 2; 0.
        let third: Double = 1.5 - Double.naturalLogarithm(2)
        let expected: Double = 0.2 * 0.5 + 0.3 * third
        XCTAssertEqual(loss, expected, accuracy: 1e-14)
        XCTAssertEqual(means.scalars, [0, 0.2 * -1, 0, 0], accuracy: 1e-14)
    }

    func testGaussianKLGradientMatchesFiniteDifferences() {
        var source = SeededSource(seed: 3)
        let means: Matrix<Double> = source.matrix(rows: 4, columns: 2)
        let logs: Matrix<Double> = source.matrix(rows: 4, columns: 2, from: -1, to: 0.5)
        let peer = GaussianReadout<Double>(means: source.matrix(rows: 4, columns: 2),
                                           logDeviations: source.matrix(rows: 4, columns: 2, from: -1, to: 0.5))
        let weights = [0.1, 0.2, 0.3, 0.4]
        for direction in KLDirection.allCases {
            var meanGradient = Matrix<Double>()
            var logGradient = Matrix<Double>()
            _ = GaussianDivergence.loss(learner: GaussianReadout(means: means, logDeviations: logs), peer: peer,
                                        weights: weights, direction: direction, meanGradient: &meanGradient,
                                        logDeviationGradient: &logGradient)
            func loss(_ m: Matrix<Double>, _ l: Matrix<Double>) -> Double {
                var (a, b) = (Matrix<Double>(), Matrix<Double>())
                return GaussianDivergence.loss(learner: GaussianReadout(means: m, logDeviations: l), peer: peer,
                                               weights: weights, direction: direction, meanGradient: &a,
                                               logDeviationGradient: &b)
            }
            let meanCheck = GradientCheck.check(at: means, analytic: meanGradient, step: 1e-6) { loss($0, logs) }
            let logCheck = GradientCheck.check(at: logs, analytic: logGradient, step: 1e-6) { loss(means, $0) }
            XCTAssertLessThan(meanCheck.relativeError, 1e-8, "\(direction) means: \(meanCheck)")
            XCTAssertLessThan(logCheck.relativeError, 1e-8, "\(direction) log σ: \(logCheck)")
        }
    }

    // MARK: Instance-specific smoothing

    /// ξ = 0.5, −1, 2, 0 ranks the states 2, 0, 3, 1 (largest first), so the sorted amounts 0.1 … 0.4 go to
    /// states 2, 0, 3, 1: ε = 0.2, 0.4, 0.1, 0.3.
    func testSmoothingAmountsFollowTheRankOfXi() {
        XCTAssertEqual(InstanceSmoothing.amounts(disadvantages: [0.5, -1, 2, 0], sortedDraws: [0.1, 0.2, 0.3, 0.4]),
                       [0.2, 0.4, 0.1, 0.3])
        // Ties keep the lower index first.
        XCTAssertEqual(InstanceSmoothing.amounts(disadvantages: [1, 1, 0], sortedDraws: [0.1, 0.2, 0.3]),
                       [0.1, 0.2, 0.3])
        // Drawn amounts: Beta(a, 1) values in [0, 1], smallest where ξ is largest, reproducible from the stream.
        let xi = [0.3, -2, 5, 1, 0]
        let amounts = InstanceSmoothing.amounts(disadvantages: xi, a: 2, using: RandomStream(seed: 4, name: "s"))
        XCTAssertEqual(amounts, InstanceSmoothing.amounts(disadvantages: xi, a: 2, using: RandomStream(seed: 4, name: "s")))
        XCTAssertTrue(amounts.allSatisfy { (0...1).contains($0) })
        XCTAssertEqual(amounts.firstIndex(of: amounts.min()!), 2)
        XCTAssertEqual(amounts.firstIndex(of: amounts.max()!), 1)
    }

    /// ã′ = (1 − ε)·ã + ε·π(s).
    func testSmoothedTargetsShrinkTowardTheLearnersActions() {
        let targets = Matrix<Float>(rows: 2, columns: 1, scalars: [1, -1])
        let own = Matrix<Float>(rows: 2, columns: 1, scalars: [0, 0.5])
        XCTAssertEqual(InstanceSmoothing.smoothed(targets: targets, own: own, amounts: [0.25, 0.5]).scalars,
                       [0.75, -0.25])
    }
}

/// Equality of two arrays of Doubles entry by entry, within `accuracy`.
func XCTAssertEqual(_ lhs: [Double], _ rhs: [Double], accuracy: Double, file: StaticString = #filePath,
                    line: UInt = #line) {
    XCTAssertEqual(lhs.count, rhs.count, file: file, line: line)
    for (a, b) in zip(lhs, rhs) { XCTAssertEqual(a, b, accuracy: accuracy, file: file, line: line) }
}
