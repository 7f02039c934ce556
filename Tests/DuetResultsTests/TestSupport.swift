import DuetResults
import Foundation
import XCTest

/// A temporary folder of run folders written the way the trainer writes them, removed by `remove()`.
final class RunFolders {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("duet-results-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Writes `text` to `relativePath` under the root, creating folders.
    @discardableResult
    func write(_ text: String, to relativePath: String) throws -> URL {
        let url = root.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// Writes a run folder `name`: `run.json` and, for each learner, `evaluations.csv` from (step, return) pairs
    /// and a minimal `episodes.csv`.
    @discardableResult
    func run(_ name: String, arm: String, seed: Int, task: String = "Pendulum-v1",
             learners: [[(Int, Double)]], distillation: [(step: Int, learner: Int, fraction: Double, distance: Double)]? = nil)
        throws -> URL {
        try write("{\"arm\": \"\(arm)\", \"seed\": \(seed), \"env\": \"\(task)\", \"algorithm\": \"td3\"}\n",
                  to: "\(name)/run.json")
        for (index, evaluations) in learners.enumerated() {
            var csv = "step,episodes,return_mean,return_std,return_min,return_max\n"
            for (step, value) in evaluations {
                csv += "\(step),10,\(value),1.5,\(value - 3),\(value + 3)\n"
            }
            try write(csv, to: "\(name)/learner\(index)/evaluations.csv")
            try write("step,episode,return,length\n200,0,-1200.5,200\n", to: "\(name)/learner\(index)/episodes.csv")
        }
        if let distillation {
            var csv = "step,learner,loss,mean_disadvantage,fraction_disadvantageous,max_weight,effective_sample_size,"
                + "action_distance\n"
            for row in distillation {
                csv += "\(row.step),\(row.learner),0.5,-0.1,\(row.fraction),2,200,\(row.distance)\n"
            }
            try write(csv, to: "\(name)/distillation.csv")
        }
        return root.appendingPathComponent(name)
    }
}

/// The folder holding this test target's fixtures and snapshots.
let testDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

/// Asserts that `body` throws a ``ResultsError`` whose message is one line and contains every fragment.
func assertOneLineError(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                        _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected an error containing \(fragments)", file: file, line: line)
    } catch let error as ResultsError {
        let message = error.description
        XCTAssertFalse(message.contains("\n"), "not one line: \(message)", file: file, line: line)
        for fragment in fragments {
            XCTAssert(message.contains(fragment), "'\(message)' lacks '\(fragment)'", file: file, line: line)
        }
    } catch {
        XCTFail("unexpected error type: \(error)", file: file, line: line)
    }
}

/// `|actual − expected| ≤ absolute + relative·|expected|`, element-wise.
func assertClose(_ actual: [Double], _ expected: [Double], relative: Double = 1e-12, absolute: Double = 1e-12,
                 _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, message, file: file, line: line)
    for (a, e) in zip(actual, expected) {
        XCTAssertEqual(a, e, accuracy: absolute + relative * abs(e), message, file: file, line: line)
    }
}
