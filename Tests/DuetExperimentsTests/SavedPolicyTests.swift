import DuetConfiguration
import DuetExperiments
import DuetEnvironments
import DuetLearners
import DuetNumerics
import DuetRandom
import DuetTestSupport
import Foundation
import XCTest

/// Saved policies (issue 15): every algorithm's policy survives save → load bit for bit and acts exactly as its
/// learner; the NumPy reader (`scripts/read_policy.py`) acts as Duet to 1e-6; a run keeps its final and best
/// policies, and the shelf recovers the best so far from the evaluation log, as a resume needs. gSDE policies keep
/// their exploration log std, act as SAC's gSDE actor for a held exploration matrix, draw Gaussian actions around
/// the deterministic one with the spread log σ_W gives, and files from before they kept it cannot be sampled.
final class SavedPolicyTests: TrainerTestCase {
    /// The repository root, where `scripts/` lives.
    private var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// One learner of each algorithm and policy form, with observation statistics where the form has them.
    private let learnerFiles: [(name: String, yaml: String)] = [
        ("td3 normalised", "env: HalfCheetah-v5\nlearner: {algorithm: td3, hidden: [32, 16], observationNormalization: true}"),
        ("ddpg layer-normed", "env: Pendulum-v1\nlearner: {algorithm: ddpg, hidden: [16, 16], layerNorm: true, observationNormalization: true}"),
        ("sac", "env: Hopper-v5\nlearner: {algorithm: sac, hidden: [24, 24], observationNormalization: true}"),
        ("sac gSDE", "env: Pendulum-v1\nlearner: {algorithm: sac, hidden: [16], stateDependentExploration: {meanClip: 0.5}}"),
        ("ppo normalised", "env: Pendulum-v1\nlearner: {algorithm: ppo, hidden: [16, 16], observationNormalization: true}"),
        ("ppo gSDE", "env: MountainCarContinuous-v0\nlearner: {algorithm: ppo, hidden: [8], stateDependentExploration: true}"),
    ]

    /// A freshly drawn learner of `yaml` that has observed 64 random observations, its action function and its
    /// policy, with the environment's observation dimension.
    private func learner(_ yaml: String) throws -> (act: ([Float]) -> [Float], policy: SavedPolicy, dimension: Int) {
        let experiment = try configuration(yaml)
        let registration = try EnvironmentRegistry.registration(experiment.env)
        let dimension = registration.observationDimension
        let stream = RandomStream(seed: 11)
        let initialization = stream.child("initialization")
        let seen = (0..<64).map { _ in (0..<dimension).map { _ in Float(stream.gaussian() * 2 + 0.5) } }
        switch experiment.resolvedPeers[0].learner {
        case let .ppo(ppo):
            let space = registration.make().actionSpace
            var learner = PPO(observationDimension: dimension, actionLow: space.low, actionHigh: space.high,
                              configuration: ppo, initialization: initialization)
            for observation in seen { learner.observe(Array(repeating: observation, count: ppo.envs)) }
            let trained = learner
            return ({ trained.deterministicAction(for: $0) }, trained.savedPolicy, dimension)
        case let other:
            var learner = makeLearner(configuration: other, observationDimension: dimension,
                                      actionDimension: registration.actionDimension, initialization: initialization)
            for observation in seen { learner.observe(observation) }
            let trained = learner
            let policy = try XCTUnwrap((trained as? any PolicyExporting)?.savedPolicy)
            return ({ trained.deterministicAction(for: $0) }, policy, dimension)
        }
    }

    /// Observations spread wider than the ones observed, so that normalisation clips some.
    private func observations(_ dimension: Int, count: Int = 200) -> [[Float]] {
        let stream = RandomStream(seed: 5)
        return (0..<count).map { _ in (0..<dimension).map { _ in Float(stream.gaussian() * 6) } }
    }

    func testSaveLoadActIsBitIdenticalForEveryAlgorithm() throws {
        for (name, yaml) in learnerFiles {
            let (act, policy, dimension) = try learner(yaml)
            let record = PolicyFile(policy: policy, step: 1234, evaluationMean: -5.25, evaluationReturns: [-5, -5.5])
            let url = scratch.appendingPathComponent("\(name).duet")
            try record.write(to: url)
            let loaded = try PolicyFile(contentsOf: url)
            XCTAssertEqual(loaded, record, name)
            for observation in observations(dimension) {
                let expected = act(observation)
                XCTAssertEqual(policy.action(for: observation).map(\.bitPattern), expected.map(\.bitPattern), name)
                XCTAssertEqual(loaded.policy.action(for: observation).map(\.bitPattern), expected.map(\.bitPattern),
                               name)
            }
        }
    }

    func testTheNumPyReaderActsAsDuet() throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import numpy"]
        check.standardError = FileHandle.nullDevice
        do { try check.run() } catch { throw XCTSkip("python3 is not installed: the NumPy reader cannot run here") }
        check.waitUntilExit()
        guard check.terminationStatus == 0 else {
            throw XCTSkip("python3 has no numpy (pip install numpy): the NumPy reader cannot run here")
        }
        for (name, yaml) in learnerFiles {
            let (act, policy, dimension) = try learner(yaml)
            let file = scratch.appendingPathComponent("\(name).duet")
            try PolicyFile(policy: policy, step: 1, evaluationMean: nil, evaluationReturns: []).write(to: file)
            let inputs = observations(dimension, count: 50)
            let table = scratch.appendingPathComponent("\(name).csv")
            try inputs.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n")
                .write(to: table, atomically: true, encoding: .utf8)
            let reader = Process()
            reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            reader.arguments = ["python3", repository.appendingPathComponent("scripts/read_policy.py").path, file.path,
                                "--observations", table.path]
            let output = Pipe()
            reader.standardOutput = output
            try reader.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            reader.waitUntilExit()
            XCTAssertEqual(reader.terminationStatus, 0, name)
            let rows = text.split(separator: "\n").map { $0.split(separator: ",").compactMap { Double($0) } }
            XCTAssertEqual(rows.count, inputs.count, name)
            var largest = 0.0
            for (row, observation) in zip(rows, inputs) {
                let expected = act(observation)
                XCTAssertEqual(row.count, expected.count, name)
                for (value, reference) in zip(row, expected) { largest = max(largest, abs(value - Double(reference))) }
            }
            XCTAssertLessThanOrEqual(largest, 1e-6, "\(name): the reader differs from Duet by \(largest)")

            // gSDE: the reader's exploration actions for a held W are Duet's.
            guard let matrix = policy.explorationMatrix(using: RandomStream(seed: 8)) else { continue }
            let matrixFile = scratch.appendingPathComponent("\(name)-w.csv")
            try (0..<matrix.rows).map { h in (0..<matrix.columns).map { "\(matrix[h, $0])" }.joined(separator: ",") }
                .joined(separator: "\n").write(to: matrixFile, atomically: true, encoding: .utf8)
            let noisy = try runReader([file.path, "--observations", table.path, "--exploration-matrix", matrixFile.path])
            XCTAssertEqual(noisy.count, inputs.count, name)
            largest = 0
            for (row, observation) in zip(noisy, inputs) {
                let expected = policy.stateDependentAction(for: observation, explorationMatrix: matrix)
                XCTAssertEqual(row.count, expected.count, name)
                for (value, reference) in zip(row, expected) { largest = max(largest, abs(value - Double(reference))) }
            }
            XCTAssertLessThanOrEqual(largest, 1e-6, "\(name): the reader's gSDE actions differ from Duet's by \(largest)")
        }
    }

    /// Runs `scripts/read_policy.py arguments` and parses its rows of numbers.
    private func runReader(_ arguments: [String]) throws -> [[Double]] {
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        reader.arguments = ["python3", repository.appendingPathComponent("scripts/read_policy.py").path] + arguments
        let output = Pipe()
        reader.standardOutput = output
        try reader.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        reader.waitUntilExit()
        XCTAssertEqual(reader.terminationStatus, 0, "\(arguments)")
        return text.split(separator: "\n").map { $0.split(separator: ",").compactMap { Double($0) } }
    }

    // MARK: gSDE

    /// The gSDE learners of ``learnerFiles``: SAC with a mean clip, PPO.
    private var stateDependentFiles: [(name: String, yaml: String)] { learnerFiles.filter { $0.name.hasSuffix("gSDE") } }

    func testGSDEPoliciesKeepTheirExplorationLogStandardDeviation() throws {
        for (name, yaml) in stateDependentFiles {
            let (_, policy, dimension) = try learner(yaml)
            XCTAssertTrue(policy.usesStateDependentExploration && policy.canSample, name)
            let logDeviation = try XCTUnwrap(policy.explorationLogStandardDeviation, name)
            XCTAssertEqual(logDeviation.rows, policy.network.widths[policy.network.widths.count - 2], name)
            XCTAssertEqual(logDeviation.columns, policy.actionDimension, name)
            XCTAssertNil(policy.sampledAction(for: Array(repeating: 0, count: dimension), using: RandomStream(seed: 1)),
                         "\(name): gSDE noise is held in a matrix, not drawn per step")
            let url = scratch.appendingPathComponent("\(name).duet")
            try PolicyFile(policy: policy, step: 1, evaluationMean: nil, evaluationReturns: []).write(to: url)
            let loaded = try PolicyFile(contentsOf: url).policy
            XCTAssertEqual(loaded.explorationLogStandardDeviation, logDeviation, name)
            let stream = RandomStream(seed: 3)
            let first = try XCTUnwrap(policy.explorationMatrix(using: stream))
            let second = try XCTUnwrap(policy.explorationMatrix(using: stream))
            XCTAssertEqual(policy.explorationMatrix(using: RandomStream(seed: 3)), first, "W repeats with its stream")
            var changed = 0
            for observation in observations(dimension, count: 50) {
                let action = policy.stateDependentAction(for: observation, explorationMatrix: first)
                XCTAssertEqual(loaded.stateDependentAction(for: observation, explorationMatrix: first).map(\.bitPattern),
                               action.map(\.bitPattern), name)
                if policy.stateDependentAction(for: observation, explorationMatrix: second) != action { changed += 1 }
            }
            XCTAssertGreaterThan(changed, 25, "\(name): another W gives other actions")
        }

        // SAC: the kept policy explores exactly as the learner's gSDE actor for the same W.
        let experiment = try configuration(stateDependentFiles[0].yaml)
        let sac = try XCTUnwrap(makeLearner(configuration: experiment.resolvedPeers[0].learner, observationDimension: 3,
                                            actionDimension: 1, initialization: RandomStream(seed: 11)) as? SAC)
        let matrix = try XCTUnwrap(sac.savedPolicy.explorationMatrix(using: RandomStream(seed: 4)))
        var buffers = SACPolicy<Float>.ActingBuffers()
        for observation in observations(3, count: 50) {
            XCTAssertEqual(sac.savedPolicy.stateDependentAction(for: observation, explorationMatrix: matrix)
                            .map(\.bitPattern),
                           sac.actor.stateDependentAction(for: observation, explorationMatrix: matrix, buffers: &buffers)
                            .map(\.bitPattern))
        }
    }

    /// A hand-built gSDE policy, 2 inputs → ReLU layer of 3 → 2 means: for x = (0.8, 0.6), h = (0.95, 0.3, 0.8) and
    /// μ = (−0.035, 0.03). Over exploration matrices W ~ N(0, exp(L)²) the pre-squash action μ + h·W has mean μ, the
    /// deterministic action before the squash, and standard deviation σ_k = √(Σ_h h_h²·exp(2L_hk)) (0.462 and
    /// 0.388 here), for SAC's head (through atanh) and PPO's (in box units, the box wide enough not to clip).
    func testGSDEDrawsAreGaussianAroundTheDeterministicAction() throws {
        let network = MLP<Float>(
            layers: [Dense(weight: Matrix(rows: 2, columns: 3, scalars: [0.5, -0.25, 1, 0.75, 0.5, -0.5]),
                           bias: Matrix(rows: 1, columns: 3, scalars: [0.1, 0.2, 0.3])),
                     Dense(weight: Matrix(rows: 3, columns: 2, scalars: [0.3, -0.2, 0.1, 0.4, -0.5, 0.25]),
                           bias: Matrix(rows: 1, columns: 2, scalars: [0.05, -0.1]))],
            hiddenActivation: .relu, outputActivation: .identity)
        let logDeviation = Matrix<Float>(rows: 3, columns: 2, scalars: [-1, -2, -0.5, -1.5, -1.2, -0.8])
        let observation: [Float] = [0.8, 0.6]
        let features = [0.95, 0.3, 0.8]
        let means = [-0.035, 0.03]
        let deviations = (0..<2).map { k in
            (0..<3).map { h in features[h] * features[h] * Double.exponential(2 * Double(logDeviation[h, k])) }
                .reduce(0, +).squareRoot()
        }
        let center: [Float] = [0.5, -1], halfRange: [Float] = [20, 20]
        let sac = SavedPolicy(algorithm: .sac, network: network, head: .squashedGaussian(meanClip: 2, stateDependent: true),
                              observationStatistics: nil, observationScaling: .reciprocal,
                              explorationLogStandardDeviation: logDeviation)
        let ppo = SavedPolicy(algorithm: .ppo, network: network,
                              head: .gaussian(center: center, halfRange: halfRange, logStandardDeviation: nil),
                              observationStatistics: nil, observationScaling: .division,
                              explorationLogStandardDeviation: logDeviation)
        // The deterministic actions, before the squash or the unit conversion, are μ.
        for k in 0..<2 {
            XCTAssertEqual(atanh(Double(sac.action(for: observation)[k])), means[k], accuracy: 1e-5)
            XCTAssertEqual(Double(center[k] + halfRange[k] * ppo.action(for: observation)[k]), means[k], accuracy: 1e-5)
        }
        let draws = 20_000
        let stream = RandomStream(seed: 21)
        var sums = [[Double]](repeating: [0, 0], count: 2), squares = [[Double]](repeating: [0, 0], count: 2)
        for _ in 0..<draws {
            let matrix = try XCTUnwrap(sac.explorationMatrix(using: stream))
            let squashed = sac.stateDependentAction(for: observation, explorationMatrix: matrix)
            let unit = ppo.stateDependentAction(for: observation, explorationMatrix: matrix)
            for k in 0..<2 {
                let values = [atanh(Double(squashed[k])), Double(center[k] + halfRange[k] * unit[k])]
                for form in 0..<2 {
                    sums[form][k] += values[form]
                    squares[form][k] += values[form] * values[form]
                }
            }
        }
        for form in 0..<2 {
            for k in 0..<2 {
                let mean = sums[form][k] / Double(draws)
                let deviation = (squares[form][k] / Double(draws) - mean * mean).squareRoot()
                XCTAssertEqual(mean, means[k], accuracy: 4 * deviations[k] / Double(draws).squareRoot(),
                               "form \(form), action \(k)")
                XCTAssertEqual(deviation / deviations[k], 1, accuracy: 0.03, "form \(form), action \(k)")
            }
        }
    }

    func testStochasticGSDEEpisodesRepeatForASeedAndDifferFromDeterministicOnes() throws {
        for (name, yaml) in stateDependentFiles {
            let (_, policy, _) = try learner(yaml)
            let registration = try EnvironmentRegistry.registration(try configuration(yaml).env)
            func episodes(_ mode: PolicyEpisodes.Mode) throws -> [PolicyEpisodes.Outcome] {
                try PolicyEpisodes.run(policy, in: registration, episodes: 3, mode: mode, using: RandomStream(seed: 2))
            }
            let deterministic = try episodes(.deterministic)
            let stochastic = try episodes(.stochastic(RandomStream(seed: 7)))
            XCTAssertEqual(try episodes(.stochastic(RandomStream(seed: 7))), stochastic, name)
            XCTAssertNotEqual(stochastic.map(\.totalReward), deterministic.map(\.totalReward), name)
            XCTAssertNotEqual(try episodes(.stochastic(RandomStream(seed: 8))).map(\.totalReward),
                              stochastic.map(\.totalReward), name)
        }
    }

    /// The learned forward speed of an episode (issue 17) is the root's displacement over its time: on
    /// HalfCheetah, whose reward is x_velocity − 0.1·Σa², it equals the mean over the episode of reward plus control
    /// cost, from the same episode replayed step by step; a task that does not move forward reports none.
    func testEpisodesOfAForwardMovingTaskReportTheirForwardSpeed() throws {
        let (_, policy, _) = try learner(learnerFiles[0].yaml)
        let registration = try EnvironmentRegistry.registration("HalfCheetah-v5")
        let outcomes = try PolicyEpisodes.run(policy, in: registration, episodes: 2, using: RandomStream(seed: 4))
        let replayStream = RandomStream(seed: 4)
        var environment = registration.make()
        for outcome in outcomes {
            var observation = environment.reset(using: replayStream)
            var velocities = 0.0
            while true {
                let action = PolicyEpisodes.environmentAction(policy, for: observation, mode: .deterministic,
                                                              in: environment.actionSpace)
                let transition = try environment.step(action, using: replayStream)
                let cost = Float(0.1) * action.reduce(Float(0)) { $0 + $1 * $1 }
                velocities += transition.reward + Double(cost)
                if transition.isLast { break }
                observation = transition.observation
            }
            let speed = try XCTUnwrap(outcome.forwardSpeed)
            XCTAssertEqual(outcome.length, 1000)
            XCTAssertEqual(speed, velocities / 1000, accuracy: 1e-6 * max(1, abs(speed)))
            XCTAssertNotEqual(speed, 0)
        }
        XCTAssertNotEqual(outcomes[0].forwardSpeed, outcomes[1].forwardSpeed)
        let (_, pendulumPolicy, _) = try learner(learnerFiles[1].yaml)
        let pendulum = try PolicyEpisodes.run(pendulumPolicy, in: try EnvironmentRegistry.registration("Pendulum-v1"),
                                              episodes: 1, using: RandomStream(seed: 4))
        XCTAssertNil(pendulum[0].forwardSpeed)
    }

    /// A gSDE policy file written before Duet kept log σ_W (the same file without its two gSDE entries) still
    /// loads and acts deterministically, but cannot be sampled; `duet evaluate --stochastic` refuses it in one
    /// line and evaluates it without the flag.
    func testAGSDEPolicyFileWithoutItsLogStdCannotBeSampled() throws {
        let config = scratch.appendingPathComponent("sac-gsde.yaml")
        try """
            env: Pendulum-v1
            steps: 300
            evaluation: {every: 300, episodes: 2}
            training: {bufferSize: 10000, learningStarts: 100, updateLogInterval: 100}
            learner: {algorithm: sac, hidden: [16, 16], batchSize: 32, stateDependentExploration: {}}
            """.write(to: config, atomically: true, encoding: .utf8)
        let run = scratch.appendingPathComponent("run").path
        let trained = try DuetExecutable.run(["train", config.path, "--out", run], in: repository)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        let file = URL(fileURLWithPath: run).appendingPathComponent("learner0/policy-final.duet")
        let current = try PolicyFile(contentsOf: file)
        XCTAssertNotNil(current.policy.explorationLogStandardDeviation)
        let archive = try ParameterArchive<Float>(contentsOf: file)
        var older = ParameterArchive<Float>()
        for name in archive.names where !name.hasPrefix("action.exploration") { older.store(try XCTUnwrap(archive[name]), as: name) }
        XCTAssertEqual(older.names.count, archive.names.count - 2)
        try older.write(to: file)
        let old = try PolicyFile(contentsOf: file)
        XCTAssertNil(old.policy.explorationLogStandardDeviation)
        XCTAssertTrue(old.policy.usesStateDependentExploration)
        XCTAssertFalse(old.policy.canSample)
        XCTAssertEqual(old.policy.network, current.policy.network)

        let refused = try DuetExecutable.run(["evaluate", run, "--stochastic"], in: repository)
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.standardOutput, "")
        XCTAssertEqual(refused.standardError,
                       "Error: --stochastic: \(file.path) keeps this SAC gSDE policy without its exploration log std (a "
                           + "file from before Duet kept it), so it cannot be sampled; evaluate it without --stochastic, "
                           + "or retrain\n")
        let deterministic = try DuetExecutable.run(["evaluate", run], in: repository)
        XCTAssertEqual(deterministic.status, 0, deterministic.standardError)
    }

    func testARunKeepsItsFinalAndBestPolicies() throws {
        let run = try train(configuration("""
            env: Pendulum-v1
            steps: 600
            evaluation: {every: 200, episodes: 2}
            training: {bufferSize: 10000, learningStarts: 200, updateLogInterval: 100}
            learner: {algorithm: td3, hidden: [32, 32], batchSize: 32}
            """), name: "td3")
        let rows = try PolicyShelf.evaluations(in: run.appendingPathComponent("learner0/evaluations.csv"))
        XCTAssertEqual(rows.map(\.step), [200, 400, 600])
        let final = try PolicyFile(contentsOf: run.appendingPathComponent("learner0/policy-final.duet"))
        XCTAssertEqual(final.step, 600)
        XCTAssertEqual(final.evaluationMean, rows.last?.mean)
        XCTAssertEqual(final.evaluationReturns.count, 2)
        XCTAssertEqual(final.policy.algorithm, .td3)
        let best = try PolicyFile(contentsOf: run.appendingPathComponent("learner0/policy-best.duet"))
        let bestMean = rows.map(\.mean).max()
        XCTAssertEqual(best.evaluationMean, bestMean)
        XCTAssertEqual(best.step, rows.first { $0.mean == bestMean }?.step)
        if best.step == 600 { XCTAssertEqual(best, final) } else { XCTAssertNotEqual(best.policy, final.policy) }
    }

    /// The shelf reads the best mean back from `evaluations.csv` (as a resume finds it, cut to the checkpoint) and
    /// rewrites the best policy only for a strictly better evaluation.
    func testTheShelfRecoversTheBestFromTheEvaluationLog() throws {
        let folder = try RunFolder.create(at: scratch.appendingPathComponent("run"))
        try """
            step,episodes,return_mean,return_std,return_min,return_max
            200,2,-900.5,1,-901.5,-899.5
            400,2,-300.25,0,-300.25,-300.25
            600,2,-450,0,-450,-450

            """.write(to: folder.file("evaluations.csv"), atomically: true, encoding: .utf8)
        let shelf = try PolicyShelf(folder: folder, peer: "learner0")
        XCTAssertEqual(shelf.bestMean, -300.25)
        let (_, policy, _) = try learner(learnerFiles[0].yaml)
        let learner = try makeLearner(configuration: configuration(learnerFiles[0].yaml).resolvedPeers[0].learner,
                                      observationDimension: policy.observationDimension,
                                      actionDimension: policy.actionDimension,
                                      initialization: RandomStream(seed: 1))
        let best = folder.file(PolicyFile.bestFile)
        try shelf.didEvaluate(returns: [-300.25, -300.25], step: 800, learner: learner)
        XCTAssertFalse(FileManager.default.fileExists(atPath: best.path), "a tie is not an improvement")
        try shelf.didEvaluate(returns: [-100, -200], step: 1000, learner: learner)
        let kept = try PolicyFile(contentsOf: best)
        XCTAssertEqual(kept.step, 1000)
        XCTAssertEqual(kept.evaluationMean, -150)
        XCTAssertEqual(kept.evaluationReturns, [-100, -200])
        try shelf.keepFinal(step: 1000, learner: learner)
        XCTAssertEqual(try PolicyFile(contentsOf: folder.file(PolicyFile.finalFile)), kept)
    }

    func testBadPolicyFilesAreOneLineNamingTheFile() throws {
        let missing = scratch.appendingPathComponent("none.duet")
        XCTAssertThrowsError(try PolicyFile(contentsOf: missing)) { error in
            XCTAssertEqual("\(error)", "\(missing.path): no policy file (no such file)")
        }
        let text = scratch.appendingPathComponent("text.duet")
        try "hello".write(to: text, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PolicyFile(contentsOf: text)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(text.path): not a readable policy file: "), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }
}
