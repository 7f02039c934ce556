import DuetLearners
import Foundation
import XCTest

final class OffPolicyConfigurationTests: XCTestCase {
    private func decode(_ json: String) throws -> OffPolicyConfiguration {
        try JSONDecoder().decode(OffPolicyConfiguration.self, from: Data(json.utf8))
    }

    private func message(_ json: String) -> String {
        do {
            let configuration = try decode(json)
            try configuration.validate(at: "learner")
            return "no error"
        } catch {
            return String(describing: error)
        }
    }

    func testDefaultsAreStableBaselines3s() {
        let td3 = OffPolicyConfiguration(algorithm: .td3)
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
        XCTAssertEqual(OffPolicyConfiguration(algorithm: .ddpg).hidden, [400, 300])
        let sac = OffPolicyConfiguration(algorithm: .sac)
        XCTAssertEqual(sac.hidden, [256, 256])
        XCTAssertEqual(sac.actorLearningRate, 3e-4)
        XCTAssertEqual(sac.criticLearningRate, 3e-4)
        XCTAssertEqual(sac.entropyLearningRate, 3e-4)
        XCTAssertEqual(sac.batchSize, 256)
        XCTAssertTrue(sac.entropyTuning)
        XCTAssertEqual(sac.entropyCoefficient, 1)
        XCTAssertEqual(sac.resolvedTargetEntropy(actionDimension: 6), -6)
        XCTAssertEqual(sac.distillationLearningRate, 1e-4)
        XCTAssertNil(sac.distillationGradientClip)
    }

    func testMissingKeysTakeTheAlgorithmsDefaults() throws {
        var expected = OffPolicyConfiguration(algorithm: .sac)
        expected.hidden = [64, 64]
        XCTAssertEqual(try decode(#"{"algorithm": "sac", "hidden": [64, 64]}"#), expected)
        var noisy = OffPolicyConfiguration(algorithm: .td3)
        noisy.noise = ExplorationNoiseConfiguration(kind: .ornsteinUhlenbeck, scale: 0.5)
        XCTAssertEqual(try decode(#"{"algorithm": "td3", "noise": {"kind": "ornsteinUhlenbeck", "scale": 0.5}}"#),
                       noisy)
    }

    func testTheAlgorithmIsRequired() {
        XCTAssertThrowsError(try decode(#"{"hidden": [64]}"#)) { error in
            guard case DecodingError.keyNotFound(let key, _) = error else {
                return XCTFail("expected a missing key, got \(error)")
            }
            XCTAssertEqual(key.stringValue, "algorithm")
        }
    }

    func testUnknownAndInapplicableKeysAreRejected() {
        // Only the keys that apply to TD3 are listed.
        XCTAssertEqual(message(#"{"algorithm": "td3", "discont": 0.9}"#),
                       ": unknown key 'discont'; did you mean 'discount'? (accepted keys here: algorithm, hidden, "
                           + "discount, actorLearningRate, criticLearningRate, batchSize, targetUpdateRate, policyDelay, "
                           + "targetPolicyNoise, targetNoiseClip, layerNorm, observationNormalization, observationClip, "
                           + "criticWeightDecay, noise, distillationLearningRate, distillationGradientClip)")
        // policyDelay belongs to TD3: for SAC it is not a key at all.
        XCTAssertTrue(message(#"{"algorithm": "sac", "policyDelay": 2}"#).contains("unknown key 'policyDelay'"))
        XCTAssertTrue(message(#"{"algorithm": "ddpg", "entropyTuning": false}"#).contains("unknown key 'entropyTuning'"))
        XCTAssertTrue(message(#"{"algorithm": "td3", "noise": {"kind": "gaussian", "timeStep": 0.1}}"#)
            .contains("unknown key 'noise.timeStep'"))
        XCTAssertTrue(message(#"{"algorithm": "td3", "noise": {"scale": 0.1}}"#).contains("unknown key 'noise.scale'"),
                      "a scale without a kind is a mistake, not a silent no-op")
        XCTAssertTrue(message(#"{"algorithm": "td4"}"#).contains("accepted: ddpg, td3, sac"))
        // gSDE is SAC's (as in SB3's off-policy algorithms).
        XCTAssertTrue(message(#"{"algorithm": "td3", "stateDependentExploration": {}}"#)
            .contains("unknown key 'stateDependentExploration'"))
        XCTAssertTrue(message(#"{"algorithm": "sac", "stateDependentExploration": {"logStdInit": -3}}"#)
            .contains("unknown key 'stateDependentExploration.logStdInit'"))
    }

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
        XCTAssertEqual(try JSONDecoder().decode(OffPolicyConfiguration.self, from: JSONEncoder().encode(zoo)), zoo)
        XCTAssertTrue(message(#"{"algorithm": "sac", "stateDependentExploration": {"resampleEvery": -1}}"#)
            .contains("'learner.stateDependentExploration.resampleEvery' = -1"))
        XCTAssertTrue(message(#"{"algorithm": "sac", "stateDependentExploration": {"meanClip": -2}}"#)
            .contains("'learner.stateDependentExploration.meanClip'"))
        XCTAssertTrue(message(#"{"algorithm": "sac", "stateDependentExploration": {"initialLogStandardDeviation": 50}}"#)
            .contains("'learner.stateDependentExploration.initialLogStandardDeviation'"))
        XCTAssertTrue(message(#"{"algorithm": "sac", "stateDependentExploration": {"resampleEvery": "often"}}"#)
            .contains("stateDependentExploration.resampleEvery"))
    }

    func testValidationNamesTheKeyAndTheAcceptedRange() {
        XCTAssertEqual(message(#"{"algorithm": "td3", "discount": 1.5}"#),
                       ": 'learner.discount' = 1.5 is not accepted (accepted: a number in [0, 1])")
        XCTAssertTrue(message(#"{"algorithm": "td3", "hidden": [64, 0]}"#).contains("'learner.hidden'"))
        XCTAssertTrue(message(#"{"algorithm": "td3", "batchSize": 0}"#).contains("'learner.batchSize'"))
        XCTAssertTrue(message(#"{"algorithm": "td3", "policyDelay": 0}"#).contains("'learner.policyDelay'"))
        XCTAssertTrue(message(#"{"algorithm": "sac", "entropyCoefficient": 0}"#)
            .contains("'learner.entropyCoefficient'"))
        XCTAssertTrue(message(#"{"algorithm": "td3", "targetUpdateRate": 2}"#).contains("'learner.targetUpdateRate'"))
        XCTAssertTrue(message(#"{"algorithm": "td3", "noise": {"kind": "parameter"}}"#).contains("'learner.noise.kind'"),
                      "parameter noise is DDPG's")
        XCTAssertTrue(message(#"{"algorithm": "ddpg", "noise": {"kind": "parameter", "adaptationInterval": 0}}"#)
            .contains("'learner.noise.adaptationInterval'"))
        XCTAssertTrue(message(#"{"algorithm": "ddpg", "distillationGradientClip": -1}"#)
            .contains("'learner.distillationGradientClip'"))
        XCTAssertEqual(message(#"{"algorithm": "ddpg", "hidden": []}"#), "no error")
        XCTAssertNoThrow(try OffPolicyConfiguration.referenceDDPG.validate(at: ""))
    }

    func testEncodingWritesTheApplicableFieldsAndRoundTrips() throws {
        var sac = OffPolicyConfiguration(algorithm: .sac)
        sac.targetEntropy = -3
        sac.distillationGradientClip = 0.5
        var td3 = OffPolicyConfiguration(algorithm: .td3)
        td3.noise = ExplorationNoiseConfiguration(kind: .gaussian, scale: 0.1)
        for configuration in [OffPolicyConfiguration.referenceDDPG, td3, sac, OffPolicyConfiguration(algorithm: .sac)] {
            let data = try JSONEncoder().encode(configuration)
            XCTAssertEqual(try JSONDecoder().decode(OffPolicyConfiguration.self, from: data), configuration)
            let keys = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any]).keys
            XCTAssertEqual(keys.contains("policyDelay"), configuration.algorithm == .td3)
            XCTAssertEqual(keys.contains("entropyTuning"), configuration.algorithm == .sac)
        }
        let keys = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(td3)) as? [String: Any])
        XCTAssertEqual((keys["noise"] as? [String: Any])?.keys.sorted(), ["kind", "scale"])
        XCTAssertNil(keys["distillationGradientClip"])
    }

    func testReferenceDDPGIsThePapersSetup() {
        let reference = OffPolicyConfiguration.referenceDDPG
        XCTAssertEqual(reference.algorithm, .ddpg)
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
