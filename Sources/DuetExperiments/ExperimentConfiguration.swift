import DuetConfiguration
import DuetDistillation
import DuetEnvironments
import DuetLearners
import DuetNumerics
import Foundation

/// An experiment file: everything that determines a run except its seed.
///
/// ```yaml
/// env: Pendulum-v1
/// steps: 20000                        # environment steps per learner
/// evaluation: {every: 1000, episodes: 10}
/// training: {bufferSize: 200000, learningStarts: 10000}
/// learner: {algorithm: td3, hidden: [400, 300], discount: 0.98, noise: {kind: gaussian, scale: 0.1}}
/// ```
///
/// A file with a `distillation:` block trains a *pair* of peers (the `learner:` and the `peer:`, which defaults to
/// a copy of the learner); without it, a single learner. For k peers, or peers with their own collection
/// cadence, list them under `peers:` instead (each entry a `learner:` and an optional `training:`; see
/// ``PeerConfiguration``); `learner:` + `peer:` is the two-peer shorthand of `peers:`.
///
/// Every key has a default; unknown keys, wrong types and out-of-range values are errors naming the file and
/// the key. Keys equal the Swift property names.
public struct ExperimentConfiguration: ValidatedConfiguration, Encodable, Sendable, Equatable {
    /// The environment identifier, one of `duet envs list`.
    public var env = "Pendulum-v1"
    /// Environment steps per learner.
    public var steps = 20_000
    /// When and how learners are evaluated.
    public var evaluation = EvaluationConfiguration()
    /// Replay buffer, learning start and update cadence.
    public var training = TrainingConfiguration()
    /// The learner's algorithm and hyper-parameters (default: TD3 with SB3's defaults).
    public var learner = LearnerConfiguration(algorithm: .td3)
    /// The second learner of a pair; absent means a copy of ``learner`` (it still starts from other random
    /// weights, drawn from its own streams). Needs a ``distillation`` block.
    public var peer: LearnerConfiguration?
    /// The k peers, each with its learner and optional training block; replaces `learner:` and `peer:`.
    public var peers: [PeerConfiguration]?
    /// How the peers distil; with `learner:`, its presence makes the run a pair.
    public var distillation: DistillationConfiguration?
    /// How often the run checkpoints itself (for `duet resume`).
    public var checkpoint = CheckpointConfiguration()

    /// The number of peers k trained side by side.
    public var peerCount: Int { peers?.count ?? (distillation == nil || distillation?.teacher != nil ? 1 : 2) }

    /// The peers in order (`learner0` first), with the distillation block's learning rate and gradient clip
    /// (when given) applied to each learner and the top-level `training:` for peers without their own.
    public var resolvedPeers: [ResolvedPeer] {
        let listed = peers ?? ([PeerConfiguration(learner: learner)]
            + (peerCount == 1 ? [] : [PeerConfiguration(learner: peer ?? learner)]))
        return listed.map { entry in
            var resolved = entry.learner
            if let rate = distillation?.learningRate { resolved.distillationLearningRate = rate }
            if let clip = distillation?.gradientClip { resolved.distillationGradientClip = clip }
            resolved.distillationSharesOptimizer = distillation?.optimizer == .shared
            return ResolvedPeer(learner: resolved, training: entry.training ?? training)
        }
    }

    /// Keeps only the first peer and drops distillation (`duet train --single`).
    public mutating func keepFirstPeerOnly() {
        distillation = nil
        peer = nil
        if let first = peers?.first {
            peers = [first]
            learner = first.learner
        }
    }

    /// The defaults: TD3 on Pendulum-v1 for 20,000 steps.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case env, steps, evaluation, training, learner, peer, peers, distillation, checkpoint
    }

    /// Decodes the file's keys, each with its default; `peers:` together with `learner:` or `peer:` is an error, and
    /// with `peers:` ``learner`` becomes the first peer's.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.configurationContainer(keyedBy: CodingKeys.self)
        let defaults = ExperimentConfiguration()
        env = try container.decode(forKey: .env, default: defaults.env)
        steps = try container.decode(forKey: .steps, default: defaults.steps)
        evaluation = try container.decode(forKey: .evaluation, default: defaults.evaluation)
        training = try container.decode(forKey: .training, default: defaults.training)
        learner = try container.decode(forKey: .learner, default: defaults.learner)
        peer = try container.decodeIfPresent(LearnerConfiguration.self, forKey: .peer)
        peers = try container.decodeIfPresent([PeerConfiguration].self, forKey: .peers)
        distillation = try container.decodeIfPresent(DistillationConfiguration.self, forKey: .distillation)
        checkpoint = try container.decode(forKey: .checkpoint, default: defaults.checkpoint)
        if let first = peers?.first {
            if container.contains(.learner) || container.contains(.peer) {
                throw ConfigurationError.invalidValue(
                    source: "", path: ConfigurationPath.dotted(container.codingPath + [CodingKeys.peers]),
                    value: "a list together with learner/peer",
                    accepted: "either peers: (k learners) or learner: with an optional peer:, not both")
            }
            learner = first.learner
        }
    }

    /// Writes the file's keys; with `peers:`, neither `learner:` nor `peer:`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(env, forKey: .env)
        try container.encode(steps, forKey: .steps)
        try container.encode(evaluation, forKey: .evaluation)
        try container.encode(training, forKey: .training)
        if let peers {
            try container.encode(peers, forKey: .peers)
        } else {
            try container.encode(learner, forKey: .learner)
            try container.encodeIfPresent(peer, forKey: .peer)
        }
        try container.encodeIfPresent(distillation, forKey: .distillation)
        try container.encode(checkpoint, forKey: .checkpoint)
    }

    /// A fingerprint of the whole configuration (CRC-32 of its JSON with sorted keys, in hex): a checkpoint
    /// records it, and `duet resume` refuses a run folder whose configuration no longer matches.
    public var fingerprint: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = (try? encoder.encode(self)).map { [UInt8]($0) } ?? []
        return String(CRC32.checksum(of: bytes), radix: 16)
    }

    /// Validates every block, the number of peers against the distillation block, and the distillation settings that
    /// depend on the peers' algorithms and architectures (`target`, `valueEstimate`, the objective, `teacher`).
    public func validate(at path: String) throws {
        try require(EnvironmentRegistry.identifiers.contains(env), "env", at: path, value: env,
                    accepted: EnvironmentRegistry.identifiers.joined(separator: ", "))
        try require(steps >= 1, "steps", at: path, value: steps, accepted: "an integer ≥ 1")
        try evaluation.validate(at: ConfigurationPath.appending("evaluation", to: path))
        try training.validate(at: ConfigurationPath.appending("training", to: path))
        try checkpoint.validate(at: ConfigurationPath.appending("checkpoint", to: path))
        if let peers {
            try require(!peers.isEmpty, "peers", at: path, value: "an empty list", accepted: "one peer or more")
            for (index, entry) in peers.enumerated() {
                try entry.validate(at: ConfigurationPath.appending("peers[\(index)]", to: path))
            }
            if distillation == nil {
                try require(peers.count == 1, "peers", at: path, value: "\(peers.count) peers",
                            accepted: "one peer, or a distillation block for two or more (enabled: false trains "
                                + "them side by side without distilling)")
            } else {
                try require(peers.count >= 2, "peers", at: path, value: "1 peer",
                            accepted: "at least two peers together with a distillation block")
            }
        } else {
            try learner.validate(at: ConfigurationPath.appending("learner", to: path))
            try peer?.validate(at: ConfigurationPath.appending("peer", to: path))
        }
        if let distillation {
            let distillationPath = ConfigurationPath.appending("distillation", to: path)
            try distillation.validate(at: distillationPath)
            let algorithms = resolvedPeers.map(\.learner.algorithm)
            let peersHere = " (peers here: " + algorithms.map(\.rawValue).joined(separator: ", ") + ")"
            try require(distillation.target == .mean || algorithms.allSatisfy { [.ppo, .sac].contains($0) },
                        "target", at: distillationPath, value: distillation.target.rawValue,
                        accepted: "mean, or sample when every peer has a stochastic policy (ppo, sac)" + peersHere)
            try require(!distillation.valueEstimate.needsActionValues || !algorithms.contains(.ppo),
                        "valueEstimate", at: distillationPath, value: distillation.valueEstimate.rawValue,
                        accepted: "own-action, or peer-action, own-critic, min-critics when no peer is ppo (they "
                            + "need critics of actions)" + peersHere)
            try validateFamily(distillation, at: distillationPath)
        } else if peers == nil {
            try require(peer == nil, "peer", at: path, value: "a learner block",
                        accepted: "a peer only together with a distillation block")
        }
    }
}

extension ExperimentConfiguration {
    /// The distillation family's constraints that depend on the peers: a teacher trains one learner; the
    /// relation objectives need hidden layers (two for layer relations, as many in every peer); the Gaussian KL
    /// needs Gaussian policies of one family; sample relations with several sources need one peer
    /// per part of the batch. (The teacher's own architecture is checked when it is loaded.)
    func validateFamily(_ distillation: DistillationConfiguration, at path: String) throws {
        let learners = resolvedPeers.map(\.learner)
        let algorithms = learners.map(\.algorithm)
        let peersHere = " (peers here: " + algorithms.map(\.rawValue).joined(separator: ", ") + ")"
        if distillation.teacher != nil {
            try require(peers == nil && peer == nil, "teacher", at: path, value: distillation.teacher ?? "",
                        accepted: "a teacher together with one learner: (no peer: or peers:)")
        }
        let depths = learners.map(\.hiddenLayerCount)
        switch distillation.objective {
        case .actions:
            break
        case .relations:
            if distillation.relations.features == .hidden {
                try require(depths.allSatisfy { $0 >= 1 }, "relations", at: path, value: "features: hidden",
                            accepted: "features: hidden only for policies with a hidden layer")
            }
            try require(peerCount <= 2 || distillation.resolvedPeerSelection != .best, "peerSelection", at: path,
                        value: "best", accepted: "all or ring with objective: relations and more than two peers "
                            + "(relations compare the states of one peer)")
        case .layerRelations:
            try require(depths.allSatisfy { $0 >= 2 } && Set(depths).count == 1, "objective", at: path,
                        value: "layer-relations", accepted: "layer-relations only for peers with the same number "
                            + "(≥ 2) of hidden layers (here: \(depths.map(String.init).joined(separator: ", ")))")
        case .kl:
            let gaussian = learners.allSatisfy(\.hasGaussianReadout)
            try require(gaussian && Set(algorithms).count == 1, "objective", at: path, value: "kl",
                        accepted: "kl only when every peer is sac, or every peer is ppo" + peersHere)
        }
    }
}

/// When a run writes its checkpoint (`checkpoint.duet`, everything `duet resume` needs to continue it exactly).
///
/// ```yaml
/// checkpoint: {every: 10000}   # environment steps per learner; 0 = only at the end
/// ```
public struct CheckpointConfiguration: ValidatedConfiguration, Encodable, Sendable, Equatable {
    /// Environment steps (per learner) between checkpoints; 0 writes only the final one (and one when the run
    /// is stopped by SIGINT or SIGTERM). The final checkpoint is always written: it is the trained model.
    public var every = 10_000

    /// Every 10,000 steps.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case every }

    /// Decodes `every` (10,000 by default), rejecting any other key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.configurationContainer(keyedBy: CodingKeys.self)
        every = try container.decode(forKey: .every, default: CheckpointConfiguration().every)
    }

    /// Requires `every` ≥ 0.
    public func validate(at path: String) throws {
        try require(every >= 0, "every", at: path, value: every,
                    accepted: "an integer ≥ 0 (0: only the final checkpoint)")
    }
}
