import DuetConfiguration
import DuetExperiments
import DuetRunFormat
import Foundation
import XCTest

/// PPO through the trainer: determinism, ablation isolation, distillation from rollouts, pairs of an off-policy
/// and an on-policy learner, and the options only on-policy peers have.
final class OnPolicyTrainerTests: TrainerTestCase {
    /// Two PPO peers with 2 copies and 64-step rollouts (128 transitions per update), distilling after every
    /// update from the other's last 500 observations, alternating every 256 steps.
    private static let tinyPair = """
        env: Pendulum-v1
        steps: 1024
        evaluation: {every: 256, episodes: 2}
        training: {updateLogInterval: 128}
        learner: {algorithm: ppo, hidden: [16, 16], envs: 2, rolloutSteps: 64, batchSize: 32, epochs: 2,
                  observationNormalization: true, rewardNormalization: true}
        distillation: {batchSize: 32, window: 500, alternationSteps: 256, learningRate: 0.003}
        """

    private func configuration(_ overrides: [String] = []) throws -> ExperimentConfiguration {
        try configuration(Self.tinyPair, overrides)
    }

    /// The same seed gives byte-identical logs, in both schedules; an update every 128 steps.
    func testRunsAreByteIdenticalForTheSameSeed() throws {
        for schedule in ["alternate", "lockstep"] {
            let pair = try configuration(Self.tinyPair, ["distillation.schedule=\(schedule)"])
            let first = try train(pair, name: "\(schedule)-1")
            let second = try train(pair, name: "\(schedule)-2")
            for file in ["distillation.csv"] + learnerLogs.flatMap({ ["learner0/" + $0, "learner1/" + $0] }) {
                XCTAssertEqual(try contents(first, file), try contents(second, file), "\(schedule): \(file)")
            }
            let updates = try contents(first, "learner0/updates.csv").split(separator: "\n").dropFirst()
            XCTAssertEqual(updates.count, 8)
            XCTAssert(updates.allSatisfy { $0.split(separator: ",")[1] == "1" })
        }
    }

    /// With distillation off, each PPO peer logs exactly what a single PPO run with its stream names logs.
    func testDistillationOffLeavesEachLearnerIdenticalToASingleRun() throws {
        try assertDistillationOffLeavesEachLearnerIdenticalToASingleRun(Self.tinyPair)
    }

    /// Distillation changes the learners, and only after the first update (when the first distillation step
    /// is due): the first rollout's episodes agree with the run without it.
    func testDistillationChangesTheLearnersOnlyAfterItStarts() throws {
        let on = try train(configuration(), name: "on")
        let off = try train(configuration(Self.tinyPair, ["distillation.enabled=false"]), name: "off")
        XCTAssertNotEqual(try contents(on, "learner1/evaluations.csv"), try contents(off, "learner1/evaluations.csv"))
        let onUpdates = try contents(on, "learner0/updates.csv").split(separator: "\n")
        let offUpdates = try contents(off, "learner0/updates.csv").split(separator: "\n")
        XCTAssertEqual(onUpdates.prefix(2), offUpdates.prefix(2), "learner 0's first update precedes any distillation")
        let rows = try contents(on, "distillation.csv").split(separator: "\n").dropFirst()
        XCTAssert(rows.contains { $0.split(separator: ",")[1] == "0" })
        XCTAssert(rows.contains { $0.split(separator: ",")[1] == "1" })
    }

    /// `every: 2` distils after every second PPO iteration: half the distillation steps of `every: 1`.
    func testEveryCountsPPOIterations() throws {
        func steps(_ every: Int) throws -> Int {
            let folder = try train(configuration(Self.tinyPair, ["distillation.every=\(every)",
                                                                  "distillation.schedule=lockstep"]),
                                   name: "every-\(every)")
            let column = RunFormat.distillationColumns.count  // distillation_steps
            let lines = try contents(folder, "distillation.csv").split(separator: "\n").dropFirst()
            let rows: [[String]] = lines.map { line in line.split(separator: ",").map(String.init) }
            let learner0: [[String]] = rows.filter { $0[1] == "0" }
            return learner0.compactMap { Int($0[column]) }.reduce(0, +)
        }
        XCTAssertEqual(try steps(1), 8)
        XCTAssertEqual(try steps(2), 4)
    }

    /// A TD3 peer and a PPO peer, each on its own cadence; sampled targets and the shared optimiser for PPO pairs.
    func testMixedFamiliesAndOnPolicyOptions() throws {
        let mixed = """
            env: Pendulum-v1
            steps: 512
            evaluation: {every: 256, episodes: 1}
            training: {bufferSize: 5000, learningStarts: 128, updateLogInterval: 128}
            peers:
              - learner: {algorithm: td3, hidden: [16, 16], batchSize: 32}
              - learner: {algorithm: ppo, hidden: [16, 16], envs: 2, rolloutSteps: 64, batchSize: 32, epochs: 1}
            distillation: {batchSize: 16, schedule: lockstep}
            """
        let folder = try train(configuration(mixed), name: "mixed")
        let rows = try contents(folder, "distillation.csv").split(separator: "\n").dropFirst()
        XCTAssert(rows.contains { $0.split(separator: ",")[1] == "0" } && rows.contains { $0.split(separator: ",")[1] == "1" })
        XCTAssertEqual(try contents(folder, "learner1/updates.csv").split(separator: "\n").first,
                       "step,updates,policyLoss,valueLoss,entropyLoss,approxKL,clipFraction,explainedVariance,std,"
                           + "learningRate,clipRange,epochs")

        let sampled = try train(configuration(Self.tinyPair, ["distillation.target=sample",
                                                               "distillation.optimizer=shared"]),
                                name: "sampled")
        XCTAssertNotEqual(try contents(sampled, "learner1/evaluations.csv"),
                          try contents(train(configuration(), name: "mean"), "learner1/evaluations.csv"))
    }

    /// Sampled targets need stochastic peers (PPO, SAC); the shared optimiser works for every family.
    func testSampledTargetsNeedStochasticPeers() throws {
        XCTAssertThrowsError(try configuration("""
            learner: {algorithm: td3}
            distillation: {}
            """, ["distillation.target=sample"])) { error in
            let message = String(describing: error)
            XCTAssert(message.contains("distillation.target") && message.contains("ppo, sac"), message)
        }
        XCTAssertNoThrow(try configuration("learner: {algorithm: td3}\ndistillation: {}", ["distillation.optimizer=shared"]))
        XCTAssertNoThrow(try configuration("learner: {algorithm: sac}\ndistillation: {}", ["distillation.target=sample"]))
    }
}
