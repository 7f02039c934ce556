import DuetEnvironments
import DuetLearners
import Foundation

/// An estimate, before anything is allocated or written, of the memory a run needs: each peer's networks (with
/// their gradients, Adam moments and targets), replay buffer or rollouts, and the activations of its update and
/// distillation batches. A run whose estimate exceeds the machine's memory is refused with the estimate and the
/// limit, instead of crashing on an allocation halfway through.
///
/// It is an estimate of the large allocations only (within a few tens of percent), meant to catch a typo such as
/// `hidden: [100000000, 100000000]` or `bufferSize: 900000000000`, not to budget a run precisely.
public enum ResourceEstimate {
    /// Bytes `configuration` needs, by peer, and what dominates (for the message).
    public static func bytes(for configuration: ExperimentConfiguration) throws -> (total: Double, largest: String) {
        let registration = try EnvironmentRegistry.registration(configuration.env)
        let observations = Double(registration.observationDimension)
        let actions = Double(registration.actionDimension)
        let distillationBatch = Double(configuration.distillation?.batchSize ?? 0)
        var total = 0.0
        var parts: [(bytes: Double, name: String)] = []
        for (index, peer) in configuration.resolvedPeers.enumerated() {
            let hidden = peer.learner.hidden.map(Double.init)
            func parameters(_ input: Double, _ output: Double) -> Double {
                zip([input] + hidden, hidden + [output]).reduce(0) { $0 + ($1.0 + 1) * $1.1 }
            }
            let width = hidden.reduce(0, +) + observations + actions
            let networks: Double
            let memory: Double
            let batch: Double
            switch peer.learner {
            case let .ppo(ppo):
                // Policy and value networks: weights, gradient, two Adam moments (plus a distillation Adam).
                networks = 6 * (parameters(observations, actions) + parameters(observations, 1))
                memory = Double(ppo.envs) * Double(ppo.rolloutSteps) * (observations + actions + 8)
                batch = Double(ppo.batchSize)
            default:
                // Actor and up to two critics, each with gradient, Adam moments and a target copy.
                networks = 6 * (parameters(observations, actions) + 2 * parameters(observations + actions, 1))
                memory = Double(peer.training.bufferSize) * (2 * observations + actions + 1.5)
                batch = Double(peer.learner.offPolicySettings?.batchSize ?? 0)
            }
            // Forward caches and backward scratch of the update and distillation batches, per network.
            let activations = 4 * 3 * (batch + distillationBatch) * width
            let peerBytes = 4 * (networks + memory) + activations
            total += peerBytes
            parts.append((4 * networks, "learner\(index)'s networks"))
            parts.append((4 * memory, "learner\(index)'s " + (peer.learner.algorithm == .ppo ? "rollouts" : "replay buffer")))
            parts.append((activations, "learner\(index)'s batches"))
        }
        return (total, parts.max { $0.bytes < $1.bytes }?.name ?? "")
    }

    /// The machine's physical memory in bytes.
    public static var physicalMemory: Double {
        Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Throws ``ResourceError/exceedsMemory(source:estimate:limit:largest:)`` if `configuration` cannot fit in
    /// `limit` bytes (default: the machine's memory).
    public static func check(_ configuration: ExperimentConfiguration, source: String,
                             limit: Double = physicalMemory) throws {
        let (bytes, largest) = try bytes(for: configuration)
        guard bytes <= limit else {
            throw ResourceError.exceedsMemory(source: source, estimate: bytes, limit: limit, largest: largest)
        }
    }
}

/// A configuration that cannot run on this machine.
public enum ResourceError: Error, Equatable, CustomStringConvertible {
    /// The memory estimate exceeds the machine's memory.
    case exceedsMemory(source: String, estimate: Double, limit: Double, largest: String)

    /// The one-line message: the estimate, its largest part, the machine's memory and what to reduce.
    public var description: String {
        switch self {
        case let .exceedsMemory(source, estimate, limit, largest):
            return "\(source): the run needs about \(Self.format(estimate)) of memory (mostly \(largest)), more than "
                + "this machine's \(Self.format(limit)); reduce hidden, bufferSize, batchSize or envs × rolloutSteps"
        }
    }

    /// Bytes in the largest unit that keeps the value below 1000 ("24.8 GB").
    public static func format(_ bytes: Double) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = bytes
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if value >= 1000 { return String(format: "%.1e", bytes) + " bytes" }
        return String(format: unit == 0 ? "%.0f" : "%.1f", value) + " " + units[unit]
    }
}
