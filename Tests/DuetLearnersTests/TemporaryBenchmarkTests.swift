import DuetLearners
import DuetNumerics
import DuetRandom
import Foundation
import XCTest

// TEMPORARY: timing of update steps; to be deleted before hand-off.
final class TemporaryBenchmarkTests: XCTestCase {
    func run(_ algorithm: OffPolicyAlgorithm, hidden: [Int], batch: Int, layerNorm: Bool, updates: Int) {
        let root = RandomStream(seed: 0, name: "bench-update")
        var configuration = OffPolicyConfiguration(algorithm: algorithm)
        configuration.hidden = hidden
        configuration.batchSize = batch
        configuration.layerNorm = layerNorm
        var learner = makeLearner(configuration: configuration, observationDimension: 3, actionDimension: 1,
                                  initialization: root.child("initialisation"))
        var buffer = ReplayBuffer(capacity: 100_000, observationDimension: 3, actionDimension: 1)
        let data = root.child("data")
        for _ in 0..<100_000 {
            buffer.append(observation: (0..<3).map { _ in Float(data.gaussian()) }, action: [Float(data.uniform(from: -1, to: 1))],
                          reward: Float(data.gaussian()), nextObservation: (0..<3).map { _ in Float(data.gaussian()) },
                          isTerminal: false, isTruncated: false)
        }
        let replay = root.child("replay"), updateStream = root.child("update")
        var sample = ReplayBatch()
        for _ in 0..<200 { buffer.sample(count: batch, using: replay, into: &sample); _ = learner.update(on: sample, using: updateStream) }
        var rates: [Double] = []
        for _ in 0..<5 {
            let start = Date()
            for _ in 0..<(updates / 5) { buffer.sample(count: batch, using: replay, into: &sample); _ = learner.update(on: sample, using: updateStream) }
            rates.append(Double(updates / 5) / Date().timeIntervalSince(start))
        }
        print("BENCH \(algorithm) \(hidden) batch \(batch) ln \(layerNorm): updates/s median \(rates.sorted()[2]) all \(rates.map { Int($0) })")
    }

    func testBenchmark() {
        let only = ProcessInfo.processInfo.environment["BENCH"] ?? "all"
        if ProcessInfo.processInfo.environment["FTZ"] != nil {
            var env = fenv_t()
            fegetenv(&env)
            env.__mxcsr |= 0x8040
            fesetenv(&env)
        }
        if only == "all" || only == "td3" { run(.td3, hidden: [256, 256], batch: 256, layerNorm: false, updates: 2000) }
        if only == "all" || only == "ddpg" { run(.ddpg, hidden: [64, 64], batch: 64, layerNorm: true, updates: 10000) }
        if only == "all" || only == "sac" { run(.sac, hidden: [256, 256], batch: 256, layerNorm: false, updates: 1000) }
    }
}
