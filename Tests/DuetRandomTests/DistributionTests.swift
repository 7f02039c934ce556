import DuetRandom
import XCTest

/// Moments of each distribution, with tolerances of about five standard errors for the sample size used.
final class DistributionTests: XCTestCase {
    let count = 200_000

    private func moments(_ draw: () -> Double) -> (mean: Double, variance: Double) {
        var sum = 0.0
        var sumOfSquares = 0.0
        for _ in 0..<count {
            let value = draw()
            sum += value
            sumOfSquares += value * value
        }
        let mean = sum / Double(count)
        return (mean, sumOfSquares / Double(count) - mean * mean)
    }

    func testUniformMoments() {
        let stream = RandomStream(seed: 1, name: "uniform")
        let (mean, variance) = moments { stream.uniform(from: -2, to: 4) }
        // U(a, b): mean (a + b)/2 = 1, variance (b − a)²/12 = 3.
        XCTAssertEqual(mean, 1, accuracy: 0.02)
        XCTAssertEqual(variance, 3, accuracy: 0.03)
        for _ in 0..<10_000 {
            let value = stream.uniform()
            XCTAssert(value >= 0 && value < 1)
        }
    }

    func testGaussianMoments() {
        let stream = RandomStream(seed: 2, name: "gaussian")
        let (mean, variance) = moments { stream.gaussian(standardDeviation: 0.5) }
        XCTAssertEqual(mean, 0, accuracy: 0.005)
        XCTAssertEqual(variance, 0.25, accuracy: 0.005)
    }

    func testIntegersAreUniformBelowTheBound() {
        let stream = RandomStream(seed: 3, name: "integers")
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[stream.integer(below: 7)] += 1 }
        // Each count is Binomial(70 000, 1/7): mean 10 000, sd ≈ 93.
        for value in counts { XCTAssertEqual(Double(value), 10_000, accuracy: 500) }
        XCTAssertEqual(stream.integer(below: 1), 0)
        let large = (0..<1000).map { _ in stream.integer(below: 1 << 40) }
        XCTAssert(large.allSatisfy { $0 >= 0 && $0 < 1 << 40 })
        XCTAssert(large.contains { $0 >= 1 << 32 })
    }

    func testShuffleIsAPermutationAndUniform() {
        let stream = RandomStream(seed: 4, name: "shuffle")
        var firstPositionCounts = [Int](repeating: 0, count: 4)
        for _ in 0..<40_000 {
            var elements = [0, 1, 2, 3]
            stream.shuffle(&elements)
            XCTAssertEqual(elements.sorted(), [0, 1, 2, 3])
            firstPositionCounts[elements[0]] += 1
        }
        for value in firstPositionCounts { XCTAssertEqual(Double(value), 10_000, accuracy: 450) }
    }

    func testBetaMoments() {
        let stream = RandomStream(seed: 5, name: "beta")
        let (mean, variance) = moments { stream.beta(2, 5) }
        // Beta(a, b): mean a/(a+b) = 2/7, variance ab/((a+b)²(a+b+1)) = 10/392.
        XCTAssertEqual(mean, 2.0 / 7.0, accuracy: 0.002)
        XCTAssertEqual(variance, 10.0 / 392.0, accuracy: 0.0005)
    }

    func testOrnsteinUhlenbeckStationaryMoments() {
        let stream = RandomStream(seed: 6, name: "ou")
        var process = OrnsteinUhlenbeckProcess(mean: [1], standardDeviation: [0.3], meanReversion: 0.15, timeStep: 1)
        for _ in 0..<1000 { _ = process.next(using: stream) }
        // Stationary AR(1): x' = (1 − θ dt) x + θ dt μ + σ√dt ε has mean μ and variance σ² dt / (1 − (1 − θ dt)²)
        // = 0.09 / (1 − 0.7225) = 0.3243.
        let (mean, variance) = moments { process.next(using: stream)[0] }
        XCTAssertEqual(mean, 1, accuracy: 0.03)
        XCTAssertEqual(variance, 0.09 / (1 - 0.85 * 0.85), accuracy: 0.02)
    }

    func testOrnsteinUhlenbeckStepByHand() {
        let stream = RandomStream(seed: 7, name: "ou-step")
        let twin = RandomStream(seed: 7, name: "ou-step")
        var process = OrnsteinUhlenbeckProcess(mean: [0.5], standardDeviation: [0.2], meanReversion: 0.15,
                                               timeStep: 0.01, initialValue: [1])
        let value = process.next(using: stream)[0]
        // x = 1 + 0.15·(0.5 − 1)·0.01 + 0.2·√0.01·ε = 0.99925 + 0.02ε
        XCTAssertEqual(value, 0.99925 + 0.02 * twin.gaussian(), accuracy: 1e-15)
        process.reset()
        XCTAssertEqual(process.value, [1])
    }
}
