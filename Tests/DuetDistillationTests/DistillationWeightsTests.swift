import DuetDistillation
import XCTest

/// Hand-worked weights on a 4-state batch for every weighting (the arithmetic is in the comments).
final class DistillationWeightsTests: XCTestCase {
    /// ξ = [2, 0, −1, −3]: the peer is better on the first state only.
    let disadvantages = [2.0, 0, -1, -3]
    let clip = (lower: 0.01, upper: 100.0)

    private func weights(_ weighting: DistillationWeighting, alpha: Double = 1, normalize: Bool = true,
                         disadvantages: [Double]? = nil) -> DistillationWeights {
        DistillationWeights(disadvantages: disadvantages ?? self.disadvantages, weighting: weighting, alpha: alpha,
                            clip: clip, normalize: normalize)
    }

    private func assertEqual(_ actual: [Double], _ expected: [Double], accuracy: Double = 1e-4,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: accuracy, file: file, line: line) }
    }

    func testDisadvantageWeightingIsTheNormalisedExponential() {
        // exp(ξ) = [7.38906, 1, 0.36788, 0.04979], sum 8.80672 → w = [0.83902, 0.11355, 0.04177, 0.00565].
        let result = weights(.disadvantage)
        assertEqual(result.weights, [0.83902, 0.11355, 0.04177, 0.00565])
        XCTAssertEqual(result.weights.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertEqual(result.meanDisadvantage, -0.5)  // (2 + 0 − 1 − 3)/4
        XCTAssertEqual(result.fractionDisadvantageous, 0.25)
        XCTAssertEqual(result.maximumWeight, 0.83902, accuracy: 1e-4)
        // ESS = 1/Σw² = 1/(0.703962 + 0.012894 + 0.001745 + 0.000032) = 1/0.718633 = 1.39153.
        XCTAssertEqual(result.effectiveSampleSize, 1.39153, accuracy: 1e-4)
    }

    func testClipActsBeforeNormalisation() {
        // α = 3: exp(3ξ) = [403.43, 1, 0.049787, 0.000123] → clipped to [100, 1, 0.049787, 0.01],
        // sum 101.059787 → w = [0.989513, 0.0098951, 0.00049265, 0.000098951].
        assertEqual(weights(.disadvantage, alpha: 3).weights, [0.989513, 0.0098951, 0.00049265, 0.000098951],
                    accuracy: 1e-6)
    }

    func testWithoutNormalisationWeightsAreDividedByTheBatchSize() {
        // exp(ξ)/4 = [1.84726, 0.25, 0.09197, 0.01245].
        assertEqual(weights(.disadvantage, normalize: false).weights, [1.84726, 0.25, 0.09197, 0.01245])
    }

    func testIndicatorKeepsOnlyDisadvantageousStates() {
        assertEqual(weights(.indicator).weights, [1, 0, 0, 0])
        // Two states with ξ > 0 share the weight; ξ = 0 is not disadvantageous.
        assertEqual(weights(.indicator, disadvantages: [2, 0.5, 0, -3]).weights, [0.5, 0.5, 0, 0])
        // No disadvantageous state: all weights 0, the step changes nothing.
        let none = weights(.indicator, disadvantages: [-1, -2, 0, -3])
        assertEqual(none.weights, [0, 0, 0, 0])
        XCTAssertEqual(none.effectiveSampleSize, 0)
    }

    func testUniformIgnoresTheDisadvantage() {
        let result = weights(.uniform, alpha: 7)
        assertEqual(result.weights, [0.25, 0.25, 0.25, 0.25])
        XCTAssertEqual(result.effectiveSampleSize, 4, accuracy: 1e-12)
    }

    func testReferenceDDPGIsTheUnweightedSumWhateverAlpha() {
        for alpha in [0.0, 0.1, 1, 10] {
            assertEqual(weights(.referenceDDPG, alpha: alpha).weights, [1, 1, 1, 1], accuracy: 0)
            assertEqual(weights(.referenceDDPG, alpha: alpha, normalize: false).weights, [1, 1, 1, 1], accuracy: 0)
        }
    }

    /// The released DPD-PPO code: exp(−αξ) clipped and normalised, then the batch mean (an extra 1/N).
    func testReferencePPOReversesTheOrderingOfWeights() {
        // exp(−ξ) = [0.13534, 1, 2.71828, 20.08554], sum 23.93916 → [0.00565, 0.04177, 0.11355, 0.83902], / 4.
        let reversed = weights(.referencePPO).weights
        assertEqual(reversed, [0.00565, 0.04177, 0.11355, 0.83902].map { $0 / 4 }, accuracy: 0.0001 / 4)
        let paper = weights(.disadvantage).weights
        XCTAssertEqual(paper.indices.sorted { paper[$0] > paper[$1] },
                       reversed.indices.sorted { reversed[$0] < reversed[$1] })
    }

    func testHugeDisadvantagesDoNotOverflow() {
        let result = weights(.disadvantage, alpha: 10, disadvantages: [1000, 0])
        assertEqual(result.weights, [100 / 101, 1 / 101], accuracy: 1e-12)
    }
}
