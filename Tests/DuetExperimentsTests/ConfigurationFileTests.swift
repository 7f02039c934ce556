import DuetConfiguration
import DuetExperiments
import Foundation
import XCTest

/// A small configuration shaped like an experiment file, to exercise the strict decoder.
private struct SampleExperiment: ValidatedConfiguration, Equatable {
    enum Algorithm: String, ConfigurationChoice { case ddpg, td3, sac }

    struct Learner: ValidatedConfiguration, Equatable {
        var algorithm: Algorithm = .td3
        var hidden: [Int] = [400, 300]
        var discount: Double = 0.99

        enum CodingKeys: String, CodingKey, CaseIterable { case algorithm, hidden, discount }

        init() {}
        init(from decoder: any Decoder) throws {
            let container = try decoder.configurationContainer(keyedBy: CodingKeys.self)
            let defaults = Learner()
            algorithm = try container.decode(forKey: .algorithm, default: defaults.algorithm)
            hidden = try container.decode(forKey: .hidden, default: defaults.hidden)
            discount = try container.decode(forKey: .discount, default: defaults.discount)
        }

        func validate(at path: String) throws {
            guard discount > 0, discount <= 1 else {
                throw ConfigurationError.invalidValue(
                    source: "", path: ConfigurationPath.appending("discount", to: path),
                    value: "\(discount)", accepted: "a number in (0, 1]")
            }
        }
    }

    var env: String = "Pendulum-v1"
    var steps: Int = 20_000
    var learner = Learner()

    enum CodingKeys: String, CodingKey, CaseIterable { case env, steps, learner }

    init() {}
    init(from decoder: any Decoder) throws {
        let container = try decoder.configurationContainer(keyedBy: CodingKeys.self)
        let defaults = SampleExperiment()
        env = try container.decode(forKey: .env, default: defaults.env)
        steps = try container.decode(forKey: .steps, default: defaults.steps)
        learner = try container.decode(forKey: .learner, default: defaults.learner)
    }

    func validate(at path: String) throws { try learner.validate(at: ConfigurationPath.appending("learner", to: path)) }
}

final class ConfigurationFileTests: XCTestCase {
    private func decode(_ yaml: String, overrides: [String] = []) throws -> SampleExperiment {
        try ConfigurationFile.decode(SampleExperiment.self, fromYAML: yaml, source: "exp.yaml", overrides: overrides)
    }

    private func message(_ yaml: String, overrides: [String] = []) -> String {
        do {
            _ = try decode(yaml, overrides: overrides)
            return "no error"
        } catch {
            return String(describing: error)
        }
    }

    func testMissingKeysTakeTheirDefaults() throws {
        XCTAssertEqual(try decode("steps: 500"), {
            var expected = SampleExperiment()
            expected.steps = 500
            return expected
        }())
        XCTAssertEqual(try decode(""), SampleExperiment())
        XCTAssertEqual(try decode("learner: {discount: 0.98}").learner.hidden, [400, 300])
    }

    func testUnknownKeyNamesFileKeyAndNearestValidKey() {
        XCTAssertEqual(message("learner: {discont: 0.9}"),
                       "exp.yaml: unknown key 'learner.discont'; did you mean 'discount'? "
                           + "(accepted keys here: algorithm, hidden, discount)")
        XCTAssertEqual(message("bogus: 1"),
                       "exp.yaml: unknown key 'bogus' (accepted keys here: env, steps, learner)")
    }

    func testWrongTypesAreNamed() {
        XCTAssertEqual(message("steps: many"), "exp.yaml: 'steps': expected an integer, found 'many'")
        XCTAssertEqual(message("learner: {hidden: [64, wide]}"),
                       "exp.yaml: 'learner.hidden[1]': expected an integer, found 'wide'")
        XCTAssertEqual(message("learner: 3"), "exp.yaml: 'learner': expected a mapping, found '3'")
    }

    func testUnknownChoiceListsTheAcceptedNames() {
        XCTAssertEqual(message("learner: {algorithm: ppo2}"),
                       "exp.yaml: 'learner.algorithm' = ppo2 is not accepted (accepted: ddpg, td3, sac)")
    }

    func testRangesAreValidated() {
        XCTAssertEqual(message("learner: {discount: 1.5}"),
                       "exp.yaml: 'learner.discount' = 1.5 is not accepted (accepted: a number in (0, 1])")
    }

    func testMalformedYAMLAndTopLevel() {
        XCTAssert(message("steps: [1, 2").hasPrefix("exp.yaml: not a valid experiment file: "))
        XCTAssertEqual(message("- 1\n- 2"),
                       "exp.yaml: not a valid experiment file: the top level must be a mapping of keys")
        XCTAssertFalse(message("steps: [1, 2").contains("\n"))
    }

    func testOverridesApplyOnTopOfTheFileAndKeepTypes() throws {
        let experiment = try decode("learner: {discount: 0.9}",
                                    overrides: ["learner.discount=0.98", "learner.hidden=[64, 64]", "steps=100"])
        XCTAssertEqual(experiment.learner.discount, 0.98)
        XCTAssertEqual(experiment.learner.hidden, [64, 64])
        XCTAssertEqual(experiment.steps, 100)
    }

    func testBadOverridesAreAttributedToTheFlag() {
        XCTAssertEqual(message("", overrides: ["learner.discont=0.9"]),
                       "--set learner.discont=0.9: unknown key 'learner.discont'; did you mean 'discount'? "
                           + "(accepted keys here: algorithm, hidden, discount)")
        XCTAssertEqual(message("", overrides: ["steps"]),
                       "--set steps: expected key=value, e.g. learner.discount=0.98")
        XCTAssertEqual(message("", overrides: ["steps=lots"]),
                       "--set steps=lots: 'steps': expected an integer, found 'lots'")
    }

    func testUnreadableFile() {
        XCTAssertThrowsError(try ConfigurationFile.load(SampleExperiment.self, from: "/nonexistent/exp.yaml")) {
            XCTAssertEqual(String(describing: $0), "/nonexistent/exp.yaml: cannot read the file: no such file")
        }
    }

    func testNearestKeyOnlySuggestsLikelyTypos() {
        XCTAssertEqual(NearestKey.find("learningrate", among: ["learningRate", "discount"]), "learningRate")
        XCTAssertNil(NearestKey.find("zzz", among: ["learningRate", "discount"]))
        XCTAssertEqual(NearestKey.editDistance("kitten", "sitting"), 3)
    }
}
