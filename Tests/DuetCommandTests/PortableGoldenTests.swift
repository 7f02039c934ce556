import DuetTestSupport
import Foundation
import XCTest

/// Portable reproducibility: in `--portable` mode a tiny TD3 pair on Pendulum-v1 and a tiny TD3 learner on
/// Hopper-v5 log exactly the committed golden files (`Snapshots/portable/`, made on a 2-core AMD EPYC). A
/// machine whose kernels or maths library round differently in portable mode fails here, naming the file, so a
/// broken install is told apart from a different CPU. Skipped, with a message, on CPUs without AVX2 and FMA.
final class PortableGoldenTests: XCTestCase {
    private var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    private var golden: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots/portable")
    }

    /// The runs and the logs each is compared on.
    static let runs: [(name: String, arguments: [String], logs: [String])] = [
        ("pendulum-dual-tiny", ["experiments/smoke/pendulum-dual-tiny.yaml", "--seed", "0"],
         ["learner0/episodes.csv", "learner0/evaluations.csv", "learner0/updates.csv", "learner1/episodes.csv",
          "learner1/evaluations.csv", "learner1/updates.csv", "distillation.csv"]),
        ("hopper-td3-tiny", ["experiments/smoke/pendulum-td3-tiny.yaml", "--seed", "0", "--set", "env=Hopper-v5",
                             "--steps", "400"],
         ["learner0/episodes.csv", "learner0/evaluations.csv", "learner0/updates.csv"]),
    ]

    func testPortableModeReproducesTheCommittedLogs() throws {
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("flags") }.map { Set($0.split(separator: " ")) } ?? []
        guard flags.contains("avx2"), flags.contains("fma") else {
            throw XCTSkip("portable mode needs an x86-64 CPU with AVX2 and FMA")
        }
        let recording = ProcessInfo.processInfo.environment["DUET_RECORD_SNAPSHOTS"] == "1"
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("duet-portable-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        for run in Self.runs {
            let folder = scratch.appendingPathComponent(run.name)
            let outcome = try DuetExecutable.run(["train"] + run.arguments + ["--portable", "--out", folder.path],
                                                 in: repository)
            XCTAssertEqual(outcome.status, 0, outcome.standardError)
            for log in run.logs {
                let produced = try Data(contentsOf: folder.appendingPathComponent(log))
                let expected = golden.appendingPathComponent(run.name).appendingPathComponent(log)
                if recording {
                    try FileManager.default.createDirectory(at: expected.deletingLastPathComponent(),
                                                            withIntermediateDirectories: true)
                    try produced.write(to: expected)
                    continue
                }
                XCTAssertEqual(produced, try Data(contentsOf: expected),
                               "\(run.name)/\(log) differs from the portable-mode golden log: this machine rounds "
                                   + "differently in portable mode (see README, Reproducibility)")
            }
        }
    }
}
