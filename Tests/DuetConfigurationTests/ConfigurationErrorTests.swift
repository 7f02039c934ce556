import DuetConfiguration
import Foundation
import XCTest

/// The one-line errors of tagged configurations, and the key check that raises them.
final class ConfigurationErrorTests: XCTestCase {
    /// A block tagged by `kind`: variant `x` has keys `kind` and `a`, variant `y` also `b`, variants `y` and `z`
    /// also `c`.
    private struct Tagged: Decodable {
        init(from decoder: any Decoder) throws {
            try decoder.rejectKeys(otherThan: ["kind", "a"], ofVariant: "x", taggedBy: "kind") { key in
                switch key {
                case "b": return ["y"]
                case "c": return ["y", "z"]
                default: return []
                }
            }
        }
    }

    private func message(_ json: String) -> String {
        do {
            _ = try JSONDecoder().decode(Tagged.self, from: Data(json.utf8))
            return "no error"
        } catch {
            return String(describing: (error as? ConfigurationError)?.attributed(to: "exp.yaml") ?? error)
        }
    }

    func testAKeyOfOtherVariantsNamesThem() {
        XCTAssertEqual(message(#"{"kind": "x", "a": 1}"#), "no error")
        XCTAssertEqual(message(#"{"kind": "x", "b": 1}"#),
                       "exp.yaml: key 'b' belongs to kind y, not to kind x (accepted keys for x: kind, a)")
        XCTAssertEqual(message(#"{"kind": "x", "c": 1}"#),
                       "exp.yaml: key 'c' belongs to kinds y and z, not to kind x (accepted keys for x: kind, a)")
        XCTAssertEqual(message(#"{"kind": "x", "aa": 1}"#),
                       "exp.yaml: unknown key 'aa'; did you mean 'a'? (accepted keys here: kind, a)")
    }

    func testTheForeignKeyErrorCarriesItsPathAndSource() {
        let error = ConfigurationError.foreignKey(source: "", path: "learner", key: "policyDelay", tag: "algorithm",
                                                  owners: ["td3"], chosen: "sac", accepted: ["algorithm", "hidden"])
        XCTAssertEqual(error.path, "learner.policyDelay")
        XCTAssertEqual(error.attributed(to: "exp.yaml"),
                       .foreignKey(source: "exp.yaml", path: "learner", key: "policyDelay", tag: "algorithm",
                                   owners: ["td3"], chosen: "sac", accepted: ["algorithm", "hidden"]))
        XCTAssertEqual(error.attributed(to: "").description,
                       ": key 'learner.policyDelay' belongs to algorithm td3, not to algorithm sac "
                           + "(accepted keys for sac: algorithm, hidden)")
    }
}
