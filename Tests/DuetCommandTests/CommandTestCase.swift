import DuetTestSupport
import Foundation
import XCTest

/// What the end-to-end tests of the `duet` command share: a scratch folder per test, the built `duet` run from
/// the repository root (where `experiments/` lives) with 80-column help, and paths in the scratch folder.
class CommandTestCase: XCTestCase {
    /// The test's scratch folder, removed after it.
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("duet-command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    /// The repository root, where `experiments/` lives.
    var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Runs `duet arguments` in the repository root, with `COLUMNS=80` and `environment` on top, and the
    /// variables in `unsetting` removed.
    func duet(_ arguments: [String], environment: [String: String] = [:],
              unsetting: Set<String> = []) throws -> DuetExecutable.Outcome {
        try DuetExecutable.run(arguments, in: repository,
                               environment: ["COLUMNS": "80"].merging(environment) { $1 }, unsetting: unsetting)
    }

    /// The path of `name` in the scratch folder.
    func path(_ name: String) -> String { scratch.appendingPathComponent(name).path }
}
