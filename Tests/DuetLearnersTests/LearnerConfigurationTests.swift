import DuetConfiguration
import DuetLearners
import Foundation
import XCTest

/// The learner block: one configuration type per algorithm behind ``LearnerConfiguration``, with its defaults,
/// its keys, its errors and its encoding.
final class LearnerConfigurationTests: XCTestCase {
    private func decode(_ json: String) throws -> LearnerConfiguration {
        try JSONDecoder().decode(LearnerConfiguration.self, from: Data(json.utf8))
    }

    /// What decoding and validating `json` as the block at `learner` says: "no error" or the error's one line.
    private func message(_ json: String) -> String {
        do {
            let configuration = try decode(json)
            try configuration.validate(at: "learner")
            return "no error"
        } catch {
            return String(describing: error)
        }
    }

    // MARK: Defaults

    func testDefaultsAreStableBaselines3s() {
        let td3 = TD3Configuration()
        XCTAssertEqual(td3.hidden, [400, 300])
        XCTAssertEqual(td3.actorLearningRate, 1e-3)
        XCTAssertEqual(td3.criticLearningRate, 1e-3)
        XCTAssertEqual(td3.batchSize, 256)
        XCTAssertEqual(td3.targetUpdateRate, 0.005)
        XCTAssertEqual(td3.discount, 0.99)
        XCTAssertEqual(td3.policyDelay, 2)
        XCTAssertEqual(td3.targetPolicyNoise, 0.2)
        XCTAssertEqual(td3.targetNoiseClip, 0.5)
        XCTAssertEqual(td3.noise.kind, .none)
        let ddpg = DDPGConfiguration()
        XCTAssertEqual(ddpg.hidden, [400, 300])
        XCTAssertEqual(ddpg.actorLearningRate, 1e-3)
        XCTAssertEqual(ddpg.settings, td3.settings, "DDPG and TD3 share SB3's settings")
        let sac = SACConfiguration()
        XCTAssertEqual(sac.hidden, [256, 256])
        XCTAssertEqual(sac.actorLearningRate, 3e-4)
        XCTAssertEqual(sac.criticLearningRate, 3e-4)
        XCTAssertEqual(sac.entropyLearningRate, 3e-4)
        XCTAssertEqual(sac.batchSize, 256)
        XCTAssertTrue(sac.entropyTuning)
        XCTAssertEqual(sac.entropyCoefficient, 1)
        XCTAssertNil(sac.stateDependentExploration)
        XCTAssertEqual(sac.resolvedTargetEntropy(actionDimension: 6), -6)
        XCTAssertEqual(sac.distillationLearningRate, 1e-4)
        XCTAssertNil(sac.distillationGradientClip)
        for configuration in [ddpg.settings, td3.settings, sac.settings] {
            XCTAssertFalse(configuration.layerNorm)
            XCTAssertFalse(configuration.observationNormalization)
            XCTAssertEqual(configuration.observationClip, 5)
            XCTAssertEqual(configuration.criticWeightDecay, 0)
        }
    }

    func testEveryAlgorithmDecodesToItsDefaults() throws {
        XCTAssertEqual(try decode(#"{"algorithm": "ddpg"}"#), .ddpg(DDPGConfiguration()))
        XCTAssertEqual(try decode(#"{"algorithm": "td3"}"#), .td3(TD3Configuration()))
        XCTAssertEqual(try decode(#"{"algorithm": "sac"}"#), .sac(SACConfiguration()))
        XCTAssertEqual(try decode(#"{"algorithm": "ppo"}"#), .ppo(PPOConfiguration()))
        for algorithm in LearnerAlgorithm.allCases {
            let decoded = try decode(#"{"algorithm": "\#(algorithm.rawValue)"}"#)
            XCTAssertEqual(decoded, LearnerConfiguration(algorithm: algorithm))
            XCTAssertEqual(decoded.algorithm, algorithm)
        }
    }

    /// A PPO block round-trips through its encoding; off-policy keys are foreign to it and PPO's to the others.
    func testPPOBlockRoundTripsAndRejectsForeignKeys() throws {
        var ppo = PPOConfiguration()
        ppo.envs = 4
        ppo.targetKL = 0.02
        ppo.stateDependentExploration = true
        let encoded = try JSONEncoder().encode(LearnerConfiguration.ppo(ppo))
        XCTAssertEqual(try JSONDecoder().decode(LearnerConfiguration.self, from: encoded), .ppo(ppo))
        XCTAssertTrue(message(#"{"algorithm": "ppo", "policyDelay": 2}"#).contains("policyDelay"))
        XCTAssertTrue(message(#"{"algorithm": "td3", "gaeLambda": 0.9}"#).contains("ppo"))
        XCTAssertTrue(message(#"{"algorithm": "ppo", "rolloutSteps": 0}"#).contains("'learner.rolloutSteps'"))
    }

    func testMissingKeysTakeTheAlgorithmsDefaults() throws {
        var expected = SACConfiguration()
        expected.hidden = [64, 64]
        XCTAssertEqual(try decode(#"{"algorithm": "sac", "hidden": [64, 64]}"#), .sac(expected))
        var noisy = TD3Configuration()
        noisy.noise = ExplorationNoiseConfiguration(kind: .ornsteinUhlenbeck, scale: 0.5)
        XCTAssertEqual(try decode(#"{"algorithm": "td3", "noise": {"kind": "ornsteinUhlenbeck", "scale": 0.5}}"#),
                       .td3(noisy))
        var delayed = TD3Configuration()
        delayed.policyDelay = 3
        delayed.discount = 0.98
        XCTAssertEqual(try decode(#"{"algorithm": "td3", "policyDelay": 3, "discount": 0.98}"#), .td3(delayed))
    }

    func testTheAlgorithmIsRequired() {
        XCTAssertThrowsError(try decode(#"{"hidden": [64]}"#)) { error in
            guard case DecodingError.keyNotFound(let key, _) = error else {
                return XCTFail("expected a missing key, got \(error)")
            }
            XCTAssertEqual(key.stringValue, "algorithm")
        }
        XCTAssertTrue(message(#"{"algorithm": "td4"}"#).contains("accepted: ddpg, td3, sac"))
    }

    // MARK: Keys

    func testEachAlgorithmHasItsOwnKeysBesideTheSharedOnes() {
        let shared = ["hidden", "discount", "actorLearningRate", "criticLearningRate", "batchSize", "targetUpdateRate",
                      "layerNorm", "observationNormalization", "observationClip", "criticWeightDecay", "noise",
                      "distillationLearningRate", "distillationGradientClip"]
        XCTAssertEqual(LearnerConfiguration.keys(of: .ddpg), ["algorithm"] + shared)
        XCTAssertEqual(LearnerConfiguration.keys(of: .td3),
                       ["algorithm"] + shared[..<6] + ["policyDelay", "targetPolicyNoise", "targetNoiseClip"]
                           + shared[6...])
        XCTAssertEqual(LearnerConfiguration.keys(of: .sac),
                       ["algorithm"] + shared[..<6]
                           + ["entropyTuning", "entropyCoefficient", "targetEntropy", "entropyLearningRate",
                              "stateDependentExploration"] + shared[6...])
        XCTAssertEqual(TD3Configuration.keys, LearnerConfiguration.keys(of: .td3))
    }

    func testAKeyOfAnotherAlgorithmNamesTheAlgorithmItBelongsTo() {
        XCTAssertEqual(message(#"{"algorithm": "sac", "policyDelay": 2}"#),
                       ": key 'policyDelay' belongs to algorithm td3, not to algorithm sac (accepted keys for "
                           + "sac: algorithm, hidden, discount, actorLearningRate, criticLearningRate, batchSize, "
                           + "targetUpdateRate, entropyTuning, entropyCoefficient, targetEntropy, entropyLearningRate, "
                           + "stateDependentExploration, layerNorm, observationNormalization, observationClip, "
                           + "criticWeightDecay, noise, distillationLearningRate, distillationGradientClip)")
        // Keys PPO shares with SAC (its entropy coefficient, its gSDE switch) name both owners.
        let cases: [(json: String, key: String, owners: String, chosen: String)] = [
            (#"{"algorithm": "ddpg", "policyDelay": 2}"#, "policyDelay", "algorithm td3", "ddpg"),
            (#"{"algorithm": "sac", "targetNoiseClip": 0.5}"#, "targetNoiseClip", "algorithm td3", "sac"),
            (#"{"algorithm": "td3", "entropyTuning": false}"#, "entropyTuning", "algorithm sac", "td3"),
            (#"{"algorithm": "ddpg", "entropyCoefficient": 0.1}"#, "entropyCoefficient", "algorithms sac and ppo",
             "ddpg"),
            (#"{"algorithm": "td3", "targetEntropy": -1}"#, "targetEntropy", "algorithm sac", "td3"),
            (#"{"algorithm": "ddpg", "stateDependentExploration": {}}"#, "stateDependentExploration",
             "algorithms sac and ppo", "ddpg"),
            (#"{"algorithm": "td3", "gaeLambda": 0.9}"#, "gaeLambda", "algorithm ppo", "td3"),
        ]
        for (json, key, owners, chosen) in cases {
            XCTAssertTrue(message(json).hasPrefix(
                ": key '\(key)' belongs to \(owners), not to algorithm \(chosen) (accepted keys for "
                    + "\(chosen): algorithm, hidden,"), message(json))
        }
        XCTAssertThrowsError(try decode(#"{"algorithm": "sac", "policyDelay": 2}"#)) { error in
            XCTAssertEqual(error as? ConfigurationError,
                           .foreignKey(source: "", path: "", key: "policyDelay", tag: "algorithm", owners: ["td3"],
                                       chosen: "sac", accepted: LearnerConfiguration.keys(of: .sac)))
        }
    }

    func testUnknownKeysNameTheNearestKeyOfTheAlgorithm() {
        // Only the keys of TD3 are listed.
        XCTAssertEqual(message(#"{"algorithm": "td3", "discont": 0.9}"#),
                       ": unknown key 'discont'; did you mean 'discount'? (accepted keys here: algorithm, hidden, "
                           + "discount, actorLearningRate, criticLearningRate, batchSize, targetUpdateRate, policyDelay, "
                           + "targetPolicyNoise, targetNoiseClip, layerNorm, observationNormalization, observationClip, "
                           + "criticWeightDecay, noise, distillationLearningRate, distillationGradientClip)")
        // A typo of a key of another algorithm is unknown, and its nearest key is one of this algorithm's.
        XCTAssertTrue(message(#"{"algorithm": "sac", "policyDelays": 2}"#).hasPrefix(": unknown key 'policyDelays'"))
        XCTAssertTrue(message(#"{"algorithm": "sac", "entropyTunning": false}"#)
            .hasPrefix(": unknown key 'entropyTunning'; did you mean 'entropyTuning'?"))
        XCTAssertTrue(message(#"{"algorithm": "td3", "noise": {"kind": "gaussian", "timeStep": 0.1}}"#)
            .contains("unknown key 'noise.timeStep'"))
        XCTAssertTrue(message(#"{"algorithm": "td3", "noise": {"scale": 0.1}}"#)
            .contains("unknown key 'noise.scale'"), "a scale without a kind is a mistake, not a silent no-op")
        XCTAssertTrue(message(#"{"algorithm": "sac", "stateDependentExploration": {"logStdInit": -3}}"#)
            .contains("unknown key 'stateDependentExploration.logStdInit'"))
    }

    func testAnAlgorithmsTypeDecodesItsBlockAlone() throws {
        var expected = TD3Configuration()
        expected.policyDelay = 4
        let data = Data(#"{"policyDelay": 4}"#.utf8)
        XCTAssertEqual(try JSONDecoder().decode(TD3Configuration.self, from: data), expected)
        XCTAssertEqual(try JSONDecoder().decode(TD3Configuration.self, from: Data(#"{"algorithm": "td3"}"#.utf8)),
                       TD3Configuration())
        XCTAssertThrowsError(try JSONDecoder().decode(TD3Configuration.self, from: Data(#"{"algorithm": "sac"}"#.utf8))) {
            XCTAssertEqual(String(describing: $0), ": 'algorithm' = sac is not accepted (accepted: td3)")
        }
        XCTAssertThrowsError(try JSONDecoder().decode(DDPGConfiguration.self, from: Data(#"{"policyDelay": 2}"#.utf8))) {
            XCTAssertTrue(String(describing: $0).hasPrefix(": key 'policyDelay' belongs to algorithm td3, not to algorithm ddpg"))
        }
    }

    // MARK: gSDE

    func testStateDependentExplorationDecodesWithSB3Defaults() throws {
        XCTAssertNil(try decode(#"{"algorithm": "sac"}"#).stateDependentExploration)
        let defaults = try XCTUnwrap(decode(#"{"algorithm": "sac", "stateDependentExploration": {}}"#)
            .stateDependentExploration)
        XCTAssertEqual(defaults, StateDependentExplorationConfiguration(initialLogStandardDeviation: -3,
                                                                        resampleEvery: 0, meanClip: 2))
        let zoo = try decode(#"{"algorithm": "sac", "stateDependentExploration": {"initialLogStandardDeviation": -3.67, "resampleEvery": 4, "meanClip": 0}}"#)
        XCTAssertEqual(zoo.stateDependentExploration,
                       StateDependentExplorationConfiguration(initialLogStandardDeviation: -3.67, resampleEvery: 4,
                                                              meanClip: 0))
        XCTAssertEqual(try JSONDecoder().decode(LearnerConfiguration.self, from: JSONEncoder().encode(zoo)), zoo)
        XCTAssertTrue(message(#"{"algorithm": "sac", "stateDependentExploration": {"resampleEvery": -1}}"#)
            .contains("'learner.stateDependentExploration.resampleEvery' = -1"))
        XCTAssertTrue(message(#"{"algorithm": "sac", "stateDependentExploration": {"meanClip": -2}}"#)
            .contains("'learner.stateDependentExploration.meanClip'"))
        XCTAssertTrue(message(#"{"algorithm": "sac", "stateDependentExploration": {"initialLogStandardDeviation": 50}}"#)
            .contains("'learner.stateDependentExploration.initialLogStandardDeviation'"))
        XCTAssertTrue(message(#"{"algorithm": "sac", "stateDependentExploration": {"resampleEvery": "often"}}"#)
            .contains("stateDependentExploration.resampleEvery"))
    }

    // MARK: Validation

    func testValidationNamesTheKeyAndTheAcceptedRange() {
        XCTAssertEqual(message(#"{"algorithm": "td3", "discount": 1.5}"#),
                       ": 'learner.discount' = 1.5 is not accepted (accepted: a number in [0, 1])")
        XCTAssertEqual(message(#"{"algorithm": "td3", "policyDelay": 0}"#),
                       ": 'learner.policyDelay' = 0 is not accepted (accepted: an integer ≥ 1)")
        XCTAssertEqual(message(#"{"algorithm": "sac", "entropyCoefficient": 0}"#),
                       ": 'learner.entropyCoefficient' = 0.0 is not accepted (accepted: a finite number > 0)")
        XCTAssertEqual(message(#"{"algorithm": "td3", "noise": {"kind": "parameter"}}"#),
                       ": 'learner.noise.kind' = parameter is not accepted (accepted: none, gaussian or "
                           + "ornsteinUhlenbeck with td3; parameter noise is for ddpg)")
        XCTAssertTrue(message(#"{"algorithm": "sac", "noise": {"kind": "parameter"}}"#)
            .contains("ornsteinUhlenbeck with sac; parameter noise is for ddpg"))
        XCTAssertTrue(message(#"{"algorithm": "td3", "hidden": [64, 0]}"#).contains("'learner.hidden'"))
        XCTAssertTrue(message(#"{"algorithm": "sac", "batchSize": 0}"#).contains("'learner.batchSize'"))
        XCTAssertTrue(message(#"{"algorithm": "td3", "targetUpdateRate": 2}"#).contains("'learner.targetUpdateRate'"))
        XCTAssertTrue(message(#"{"algorithm": "td3", "targetPolicyNoise": -1}"#).contains("'learner.targetPolicyNoise'"))
        XCTAssertTrue(message(#"{"algorithm": "td3", "targetNoiseClip": -1}"#).contains("'learner.targetNoiseClip'"))
        XCTAssertTrue(message(#"{"algorithm": "sac", "entropyLearningRate": -1}"#).contains("'learner.entropyLearningRate'"))
        XCTAssertTrue(message(#"{"algorithm": "ddpg", "observationClip": 0}"#).contains("'learner.observationClip'"))
        XCTAssertTrue(message(#"{"algorithm": "ddpg", "criticWeightDecay": -1}"#).contains("'learner.criticWeightDecay'"))
        XCTAssertTrue(message(#"{"algorithm": "ddpg", "noise": {"kind": "parameter", "adaptationInterval": 0}}"#)
            .contains("'learner.noise.adaptationInterval'"))
        XCTAssertTrue(message(#"{"algorithm": "sac", "distillationLearningRate": -1}"#)
            .contains("'learner.distillationLearningRate'"))
        XCTAssertTrue(message(#"{"algorithm": "ddpg", "distillationGradientClip": -1}"#)
            .contains("'learner.distillationGradientClip'"))
        XCTAssertEqual(message(#"{"algorithm": "ddpg", "hidden": []}"#), "no error")
        XCTAssertEqual(message(#"{"algorithm": "ddpg", "noise": {"kind": "parameter"}}"#), "no error")
        XCTAssertNoThrow(try LearnerConfiguration.referenceDDPG.validate(at: ""))
    }

    func testTheFirstInvalidValueIsReportedInTheOrderOfTheKeys() {
        // As with the single struct: the leading shared keys, then the algorithm's, then the trailing shared keys.
        XCTAssertTrue(message(#"{"algorithm": "td3", "policyDelay": 0, "batchSize": 0}"#).contains("'learner.batchSize'"))
        XCTAssertTrue(message(#"{"algorithm": "td3", "policyDelay": 0, "observationClip": 0}"#)
            .contains("'learner.policyDelay'"))
        XCTAssertTrue(message(#"{"algorithm": "sac", "entropyCoefficient": 0, "criticWeightDecay": -1}"#)
            .contains("'learner.entropyCoefficient'"))
    }

    // MARK: Encoding

    func testEncodingWritesTheAlgorithmsFieldsAndRoundTrips() throws {
        var sac = SACConfiguration()
        sac.targetEntropy = -3
        sac.distillationGradientClip = 0.5
        sac.stateDependentExploration = StateDependentExplorationConfiguration(resampleEvery: 2)
        var td3 = TD3Configuration()
        td3.noise = ExplorationNoiseConfiguration(kind: .gaussian, scale: 0.1)
        td3.policyDelay = 5
        let configurations: [LearnerConfiguration] = [
            .referenceDDPG, .ddpg(DDPGConfiguration()), .td3(td3), .td3(TD3Configuration()), .sac(sac),
            .sac(SACConfiguration()),
        ]
        for configuration in configurations {
            let data = try JSONEncoder().encode(configuration)
            XCTAssertEqual(try JSONDecoder().decode(LearnerConfiguration.self, from: data), configuration)
            let keys = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any]).keys
            let accepted = LearnerConfiguration.keys(of: configuration.algorithm)
            XCTAssertTrue(keys.allSatisfy(accepted.contains), "\(keys.sorted())")
            XCTAssertEqual(keys.contains("policyDelay"), configuration.algorithm == .td3)
            XCTAssertEqual(keys.contains("entropyTuning"), configuration.algorithm == .sac)
            XCTAssertEqual(keys.contains("stateDependentExploration"), configuration.stateDependentExploration != nil)
            XCTAssertEqual(keys.contains("distillationGradientClip"), configuration.distillationGradientClip != nil)
        }
        let keys = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(LearnerConfiguration.td3(td3)))
            as? [String: Any])
        XCTAssertEqual(keys["algorithm"] as? String, "td3")
        XCTAssertEqual(keys["policyDelay"] as? Int, 5)
        XCTAssertEqual((keys["noise"] as? [String: Any])?.keys.sorted(), ["kind", "scale"])
        // An algorithm's type writes the same block as the tagged configuration.
        XCTAssertEqual(try JSONDecoder().decode(LearnerConfiguration.self, from: JSONEncoder().encode(sac)), .sac(sac))
    }

    // MARK: The tagged configuration's accessors

    func testSharedSettingsReadAndWriteThroughTheCase() {
        var configuration = LearnerConfiguration(algorithm: .td3)
        configuration.hidden = [32]
        configuration.distillationLearningRate = 3e-4
        configuration.offPolicySettings?.noise.scale = 0.3
        var expected = TD3Configuration()
        expected.hidden = [32]
        expected.distillationLearningRate = 3e-4
        expected.noise.scale = 0.3
        XCTAssertEqual(configuration, .td3(expected))
        XCTAssertEqual(configuration.offPolicySettings!, expected.settings)
        XCTAssertEqual(configuration.policyDelay, 2)
        XCTAssertNil(configuration.entropyCoefficient)
        XCTAssertFalse(configuration.entropyTuning)

        var sac = SACConfiguration()
        sac.entropyTuning = false
        sac.entropyCoefficient = 0.1
        sac.targetEntropy = -1
        let tagged = LearnerConfiguration.sac(sac)
        XCTAssertEqual(tagged.algorithm, .sac)
        XCTAssertEqual(tagged.entropyCoefficient, 0.1)
        XCTAssertEqual(tagged.targetEntropy, -1)
        XCTAssertEqual(tagged.entropyLearningRate, 3e-4)
        XCTAssertFalse(tagged.entropyTuning)
        XCTAssertNil(tagged.policyDelay)
        XCTAssertNil(tagged.targetPolicyNoise)
        XCTAssertNil(tagged.targetNoiseClip)
        XCTAssertNil(LearnerConfiguration(algorithm: .ddpg).entropyLearningRate)
        XCTAssertTrue(LearnerConfiguration(algorithm: .sac).entropyTuning)
    }

    func testReferenceDDPGIsThePapersSetup() {
        let reference = DDPGConfiguration.reference
        XCTAssertEqual(LearnerConfiguration.referenceDDPG, .ddpg(reference))
        XCTAssertEqual(LearnerConfiguration.referenceDDPG.algorithm, .ddpg)
        XCTAssertEqual(reference.hidden, [64, 64])
        XCTAssertTrue(reference.layerNorm)
        XCTAssertEqual(reference.actorLearningRate, 1e-4)
        XCTAssertEqual(reference.criticLearningRate, 1e-3)
        XCTAssertEqual(reference.criticWeightDecay, 1e-2)
        XCTAssertEqual(reference.discount, 0.99)
        XCTAssertEqual(reference.batchSize, 64)
        XCTAssertEqual(reference.targetUpdateRate, 0.01)
        XCTAssertTrue(reference.observationNormalization)
        XCTAssertEqual(reference.observationClip, 5)
        XCTAssertEqual(reference.noise.kind, .parameter)
        XCTAssertEqual(reference.noise.scale, 0.2)
        XCTAssertEqual(reference.noise.resolvedDesiredActionDeviation, 0.2)
        XCTAssertEqual(reference.distillationLearningRate, 1e-4)
    }
}
