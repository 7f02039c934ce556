import DuetResults
import XCTest

final class NormalisationTests: XCTestCase {
    var folders: RunFolders!

    override func setUpWithError() throws { folders = try RunFolders() }
    override func tearDown() { folders.remove() }

    func testBuiltInTable() throws {
        let table = NormalisationTable.builtIn
        XCTAssertEqual(table.tasks, ["HalfCheetah-v5", "Hopper-v5", "InvertedDoublePendulum-v5", "InvertedPendulum-v5",
                                     "MountainCarContinuous-v0", "Pendulum-v1", "Reacher-v5", "Swimmer-v5", "Walker2d-v5"])
        // Reacher: (−23.64 − (−43.28)) / (−4 − (−43.28)) = 19.64 / 39.28 = 0.5.
        XCTAssertEqual(try table.normalise(-23.64, task: "Reacher-v5"), 0.5, accuracy: 1e-12)
        XCTAssertEqual(try table.normalise(9656, task: "HalfCheetah-v5"), 1)
        // (−152 − (−1221)) / (−152 − (−1221)) = 1; the random score maps to 0; halfway maps to 0.5.
        XCTAssertEqual(try table.normalise(-152, task: "Pendulum-v1"), 1)
        XCTAssertEqual(try table.normalise(-1221, task: "Pendulum-v1"), 0)
        XCTAssertEqual(try table.normalise(-686.5, task: "Pendulum-v1"), 0.5)
        XCTAssertEqual(try table.normalise(93.5, task: "MountainCarContinuous-v0"), 1)
        assertOneLineError(["'CartPoleSwingUp-v0'", "Pendulum-v1", "CartPoleSwingUp-v0,<random>,<reference>"]) {
            _ = try table.normalise(1, task: "CartPoleSwingUp-v0")
        }
    }

    func testUserTableExtendsAndOverrides() throws {
        let url = try folders.write("# measured with duet evaluate, 100 episodes\ntask,random,reference\n"
                                    + "CartPoleSwingUp-v0,25,850\n\nPendulum-v1,-1200,-140\n", to: "norm.csv")
        let merged = NormalisationTable.builtIn.merging(try NormalisationTable.load(csvAt: url))
        XCTAssertEqual(merged.tasks, ["CartPoleSwingUp-v0"] + NormalisationTable.builtIn.tasks)
        XCTAssertEqual(merged["Pendulum-v1"]?.random, -1200)
        XCTAssertEqual(try merged.normalise(437.5, task: "CartPoleSwingUp-v0"), 0.5)
    }

    func testBadTablesGiveOneLineErrorsNamingFileAndLine() throws {
        let cases: [(String, [String])] = [
            ("", ["norm0.csv", "empty"]),
            ("task,random\nP,1\n", ["norm1.csv", "'reference'"]),
            ("task,random,reference\nP,1\n", ["norm2.csv:2", "expected 3", "found 2"]),
            ("task,random,reference\nP,abc,2\n", ["norm3.csv:2", "'random'", "'abc'"]),
            ("task,random,reference\nP,1,2\nQ,0,1\nP,3,4\n", ["norm4.csv:4", "'P'", "line 2"]),
            ("task,random,reference\nP,5,5\n", ["norm5.csv:2", "'P'", "reference equals random"]),
            ("task,random,reference\nP,inf,5\n", ["norm6.csv:2", "finite"]),
            ("task,random,reference\n,1,5\n", ["norm7.csv:2", "'task'"]),
        ]
        for (index, (text, fragments)) in cases.enumerated() {
            let url = try folders.write(text, to: "norm\(index).csv")
            assertOneLineError(fragments) { _ = try NormalisationTable.load(csvAt: url) }
        }
        assertOneLineError(["absent.csv", "missing"]) {
            _ = try NormalisationTable.load(csvAt: self.folders.root.appendingPathComponent("absent.csv"))
        }
    }
}
