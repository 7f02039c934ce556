import DuetConfiguration
import DuetLearners
import Foundation
import XCTest
import Yams

/// The `learner:` and `peer:` blocks of the committed experiment files, read as the experiment loader reads them
/// (YAML), against the single learner struct they were written for.
final class LearnerBlockTests: XCTestCase {
    private var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The experiment files, as paths relative to the repository (`experiments/...`), sorted.
    private func experimentFiles() throws -> [String] {
        let folder = repository.appendingPathComponent("experiments")
        return try FileManager.default.subpathsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "experiments/" + $0 }
    }

    /// The learner blocks of the file at `path` (relative to the repository), by their key path: `learner`,
    /// `peer`, and `peers[i].learner`.
    private func learnerBlocks(in path: String) throws -> [(key: String, node: Node)] {
        let text = try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
        guard case let .mapping(mapping)? = try Yams.compose(yaml: text) else {
            XCTFail("\(path): not a mapping")
            return []
        }
        var blocks = ["learner", "peer"].compactMap { key in mapping[Node(key)].map { (key: key, node: $0) } }
        if case let .sequence(peers)? = mapping[Node("peers")] {
            for (index, peer) in peers.enumerated() {
                if case let .mapping(entry) = peer, let learner = entry[Node("learner")] {
                    blocks.append((key: "peers[\(index)].learner", node: learner))
                }
            }
        }
        return blocks
    }

    private func decode(_ node: Node) throws -> LearnerConfiguration {
        try YAMLDecoder().decode(LearnerConfiguration.self, from: node)
    }

    func testEveryExperimentFilesLearnerBlocksLoadValidateAndRoundTrip() throws {
        let files = try experimentFiles()
        XCTAssertGreaterThanOrEqual(files.count, 13)
        for file in files {
            for (key, node) in try learnerBlocks(in: file) {
                let configuration = try decode(node)
                XCTAssertNoThrow(try configuration.validate(at: key), "\(file) \(key)")
                let encoded = try YAMLEncoder().encode(configuration)
                XCTAssertEqual(try YAMLDecoder().decode(LearnerConfiguration.self, from: encoded), configuration,
                               "\(file) \(key)")
                // Written in the order of the algorithm's keys.
                let order = LearnerConfiguration.keys(of: configuration.algorithm)
                guard case let .mapping(written)? = try Yams.compose(yaml: encoded) else {
                    return XCTFail("\(file) \(key): not a mapping")
                }
                let writtenKeys: [String] = written.keys.compactMap(\.string)
                XCTAssertEqual(writtenKeys, order.filter(writtenKeys.contains), "\(file) \(key)")
            }
        }
    }

    func testThePresetsEncodeAsTheSingleStructDid() throws {
        var compared = 0
        for file in try experimentFiles() {
            for (key, node) in try learnerBlocks(in: file) {
                guard let old = OldLearnerEncodings.encodings["\(file) \(key)"] else { continue }
                XCTAssertEqual(try YAMLEncoder().encode(decode(node)), old + "\n",
                               "\(file) \(key) (if the preset changed on purpose, drop its entry)")
                compared += 1
            }
        }
        XCTAssertEqual(compared, 13, "every preset of the split has its old encoding")
    }

    func testBlocksWithEveryFieldEncodeAsTheSingleStructDid() throws {
        XCTAssertEqual(OldLearnerEncodings.extraBlocks.count, 7)
        for (name, yaml) in OldLearnerEncodings.extraBlocks {
            let old = try XCTUnwrap(OldLearnerEncodings.encodings[name], name)
            let configuration = try YAMLDecoder().decode(LearnerConfiguration.self, from: yaml)
            XCTAssertEqual(try YAMLEncoder().encode(configuration), old + "\n", name)
            XCTAssertEqual(try YAMLDecoder().decode(LearnerConfiguration.self, from: old), configuration, name)
        }
    }

    /// A file's learner block with a key of another algorithm: the error names the key, its algorithm and the
    /// keys of the block's own, and a key no algorithm has names the nearest one; the first such key in the
    /// file's order is the one reported.
    func testAKeyOfAnotherAlgorithmInAFileNamesItsAlgorithm() throws {
        struct File: Decodable { var learner: LearnerConfiguration }
        func message(_ yaml: String) -> String {
            do {
                // From the composed node, as the experiment loader decodes (from text, Yams wraps the errors).
                _ = try YAMLDecoder().decode(File.self, from: Yams.compose(yaml: yaml) ?? Node(""))
                return "no error"
            } catch {
                return String(describing: error)
            }
        }
        XCTAssertEqual(message("learner: {algorithm: sac, hidden: [64, 64], policyDelay: 2}"),
                       ": key 'learner.policyDelay' belongs to algorithm td3, not to algorithm sac (accepted keys for "
                           + "sac: " + LearnerConfiguration.keys(of: .sac).joined(separator: ", ") + ")")
        XCTAssertTrue(message("learner: {algorithm: ddpg, policyDelay: 2, discont: 0.9}")
            .hasPrefix(": key 'learner.policyDelay' belongs to algorithm td3, not to algorithm ddpg"))
        XCTAssertTrue(message("learner: {algorithm: ddpg, discont: 0.9, policyDelay: 2}")
            .hasPrefix(": unknown key 'learner.discont'; did you mean 'discount'?"))
        XCTAssertTrue(message("learner: {policyDelay: 2, algorithm: td3}") == "no error",
                      "the algorithm is read first wherever it stands")
    }
}
