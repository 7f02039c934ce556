// Finding a kept policy from the command line: a run folder, one of its peers, and which of its two policies,
// each refused with one line that names what was given and what is there.
import DuetEnvironments
import DuetRandom
import DuetRunFormat
import Foundation

/// Which kept policy of a peer.
public enum PolicyChoice: String, Sendable, CaseIterable {
    /// The policy at the end of the run (`policy-final.duet`).
    case final
    /// The policy of the evaluation with the highest mean return (`policy-best.duet`).
    case best

    /// The file in the peer's folder.
    public var fileName: String { self == .final ? PolicyFile.finalFile : PolicyFile.bestFile }

    /// The choice named `text`.
    /// - Throws: ``PolicyRunError/unknownChoice(_:)``.
    public init(parsing text: String) throws {
        guard let choice = PolicyChoice(rawValue: text) else { throw PolicyRunError.unknownChoice(text) }
        self = choice
    }
}

/// Why a kept policy could not be opened.
public enum PolicyRunError: Error, Equatable, CustomStringConvertible {
    /// The folder is missing or holds no `run.json`.
    case notARun(path: String)
    /// `--peer` names a peer the run does not have.
    case unknownPeer(peer: Int, run: String, peers: [Int])
    /// `--policy` is neither `final` nor `best`.
    case unknownChoice(String)
    /// `--env` names an environment whose spaces do not fit the policy.
    case environmentMismatch(identifier: String, observations: Int, actions: Int, policyObservations: Int,
                             policyActions: Int)

    /// The one-line message, naming the file or flag and what is accepted.
    public var description: String {
        switch self {
        case let .notARun(path):
            return "\(path): not a run folder (no \(RunFormat.runRecordFile)); give a folder that `duet train` wrote"
        case let .unknownPeer(peer, run, peers):
            return "--peer \(peer): \(run) has no learner\(peer); "
                + (peers.isEmpty ? "it has no learner<i> folders" : "its peers are \(peers.map(String.init).joined(separator: ", "))")
        case let .unknownChoice(text):
            return "--policy \(text): unknown policy; accepted: "
                + PolicyChoice.allCases.map(\.rawValue).joined(separator: ", ")
        case let .environmentMismatch(identifier, observations, actions, policyObservations, policyActions):
            return "--env \(identifier): its observations have \(observations) values and its actions \(actions), "
                + "the policy takes \(policyObservations) and gives \(policyActions)"
        }
    }
}

/// A run's kept policy with what evaluating or watching it needs: the run's seed and configuration, the peer.
public struct PolicyRun {
    /// The run folder.
    public let folder: URL
    /// The run's root seed.
    public let seed: UInt64
    /// The run's resolved configuration.
    public let configuration: ExperimentConfiguration
    /// The peer's index i (its folder is `learner<i>`).
    public let peer: Int
    /// Which policy.
    public let choice: PolicyChoice
    /// The policy file's location.
    public let file: URL
    /// The policy and where it came from.
    public let record: PolicyFile

    /// The peer's name, `learner<i>`: its folder and the root of its stream names.
    public var peerName: String { RunFormat.learnerFolder(peer) }

    /// Opens `choice` of peer `peer` (by default the run's first peer) in the run folder at `path`.
    /// - Throws: ``PolicyRunError`` or ``PolicyFileError``, naming the folder, flag or file.
    public init(path: String, peer: Int?, choice: PolicyChoice) throws {
        folder = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(RunFormat.runRecordFile).path) else {
            throw PolicyRunError.notARun(path: path)
        }
        let record = try RunResumption(folder: path, duetVersion: "").readRecord()
        seed = record.seed
        configuration = record.configuration
        let peers = Self.peers(in: folder)
        let index = peer ?? peers.first ?? 0
        guard peers.contains(index) else { throw PolicyRunError.unknownPeer(peer: index, run: path, peers: peers) }
        self.peer = index
        self.choice = choice
        file = folder.appendingPathComponent(RunFormat.learnerFolder(index)).appendingPathComponent(choice.fileName)
        do {
            self.record = try PolicyFile(contentsOf: file)
        } catch PolicyFileError.missing(let path, _) {
            throw PolicyFileError.missing(
                path: path, reason: "the run has not finished, or was made before Duet kept policies; --policy accepts "
                    + PolicyChoice.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    /// The indices of the `learner<i>` folders in a run folder, in order.
    public static func peers(in folder: URL) -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("learner"), let index = Int(name.dropFirst("learner".count)), index >= 0,
                  RunFormat.learnerFolder(index) == name else { return nil }
            return index
        }.sorted()
    }

    /// The environment to play the policy in: the run's, or `identifier`'s, whose spaces must fit the policy.
    /// - Throws: ``EnvironmentError/unknownEnvironment(identifier:accepted:)`` or
    ///   ``PolicyRunError/environmentMismatch(identifier:observations:actions:policyObservations:policyActions:)``.
    public func environment(_ identifier: String? = nil) throws -> EnvironmentRegistration {
        let registration = try EnvironmentRegistry.registration(identifier ?? configuration.env)
        let policy = record.policy
        guard registration.observationDimension == policy.observationDimension,
              registration.actionDimension == policy.actionDimension else {
            throw PolicyRunError.environmentMismatch(identifier: registration.identifier,
                                                     observations: registration.observationDimension,
                                                     actions: registration.actionDimension,
                                                     policyObservations: policy.observationDimension,
                                                     policyActions: policy.actionDimension)
        }
        return registration
    }

    /// The stream evaluation episodes are played on: `learner<i>/evaluation` under root seed `seed` (by default
    /// the run's), the stream of the run's own evaluations. Fresh, it plays the episodes of the run's first
    /// evaluation; so for a run whose only evaluation is its last (`evaluation.every` ≥ `steps`), the final
    /// policy on the default stream plays exactly that evaluation's episodes.
    public func evaluationStream(seed: UInt64? = nil) -> RandomStream {
        RandomStream(seed: seed ?? self.seed).child(peerName).child("evaluation")
    }

    /// The stream `--stochastic` actions are drawn from: `learner<i>/evaluation policy` under the same root.
    public func samplingStream(seed: UInt64? = nil) -> RandomStream {
        RandomStream(seed: seed ?? self.seed).child(peerName).child("evaluation policy")
    }
}
