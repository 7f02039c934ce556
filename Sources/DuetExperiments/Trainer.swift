import DuetDistillation
import DuetEnvironments
import DuetLearners
import DuetRandom
import DuetRunFormat
import Foundation

/// Trains k ≥ 1 peer learners side by side, with disadvantageous distillation between them when the experiment
/// has a distillation block (Lai et al., IJCAI 2020); one learner is k = 1, the same loop without a distil phase.
///
/// Each peer runs its family's loop on its own environment copies, buffer or rollouts, networks and streams
/// (``PeerRun``): collect, learn, distil, log, evaluate. Off-policy and on-policy peers mix freely (TD3 with
/// PPO, say); each keeps its own cadence, and "an update" is a gradient update for an off-policy learner and a
/// whole PPO iteration for an on-policy one (so `every: 5` distils after every fifth PPO iteration). The distil phase (``DistillationPhase``) comes after
/// each learning phase: for every `every` updates a learner made, one distillation step on states from the
/// peers it distils from (``PeerSelection``). Peers never hold each other. With distillation disabled the distil
/// phase takes no step and nothing else changes: each learner's logs are byte-identical to a single-learner run
/// of the same configuration with the same stream names.
///
/// Schedules (``DistillationSchedule``): `alternate` runs each peer in turn, round robin, for `alternationSteps`
/// steps, as the reference code does with whole epochs; `lockstep` steps all peers at once, one thread per core,
/// and distils from a consistent snapshot (all steps are prepared before any is applied), so the logs do not
/// depend on thread timing.
public enum Trainer {
    /// Trains the peers of `configuration` with root seed `seed`, writing `learner0/` … `learner{k−1}/` and,
    /// with a distillation block, `distillation.csv` into `folder`.
    /// - Parameter firstPeerIndex: the index of the first peer, which names its streams and folder
    ///   (`learner<i>`): a single run with index 1 draws exactly what learner 1 of a pair without distillation
    ///   draws. Only without distillation (with it, peers are `learner0` … `learner{k−1}`).
    /// - Returns: the wall-clock figures, which the caller writes apart from the learning logs.
    public static func run(_ configuration: ExperimentConfiguration, seed: UInt64, folder: RunFolder,
                           firstPeerIndex: Int = 0, progress: ProgressLine? = nil) throws -> RunTiming {
        precondition(firstPeerIndex == 0 || configuration.distillation == nil,
                     "peers of a distillation run are learner0 … learner{k−1}")
        let registration = try EnvironmentRegistry.registration(configuration.env)
        let root = RandomStream(seed: seed)
        let peers = try configuration.resolvedPeers.enumerated().map { offset, peer in
            try PeerRun(index: firstPeerIndex + offset, environment: registration, configuration: peer.learner,
                        training: peer.training, evaluation: configuration.evaluation, root: root, folder: folder,
                        totalSteps: configuration.steps,
                        historyCapacity: configuration.distillation?.window ?? onPolicyHistoryDefault)
        }
        let distillation = try configuration.distillation.map {
            try DistillationPhase(configuration: $0, peers: peers, folder: folder)
        }
        let start = monotonicNow()
        let loop = Loop(peers: peers, steps: configuration.steps, distillation: distillation, progress: progress)
        switch configuration.distillation?.schedule ?? .alternate {
        case .alternate: try loop.runAlternating(turn: configuration.distillation?.alternationSteps)
        case .lockstep: try loop.runLockstep()
        }
        progress?.finish()
        let elapsed = monotonicNow() - start
        let steps = configuration.steps * peers.count
        return RunTiming(elapsedSeconds: elapsed, stepsPerSecond: Double(steps) / max(elapsed, 1e-9), steps: steps)
    }

    /// How many recent observations an on-policy peer keeps as distillation states when the distillation block
    /// gives no `window`: the paper's "most recent 1000" (the reference DPD-PPO kept up to 100,000).
    public static let onPolicyHistoryDefault = 1000

    /// The loop over the peers' phases.
    private struct Loop {
        let peers: [PeerRun]
        /// Environment steps per peer.
        let steps: Int
        let distillation: DistillationPhase?
        let progress: ProgressLine?

        /// Round robin: each peer in turn runs `turn` steps (all of its steps when `nil`), then the next.
        func runAlternating(turn: Int?) throws {
            while peers.contains(where: { $0.stepsTaken < steps }) {
                for peer in peers {
                    let period = min(turn ?? steps, steps - peer.stepsTaken)
                    for _ in 0..<period {
                        try peer.collectStep()
                        let updates = peer.learnIfDue()
                        if let distillation {
                            for _ in 0..<distillation.stepsDue(for: peer.index, afterUpdates: updates) {
                                guard let prepared = distillation.prepare(for: peer.index, among: peers)
                                else { continue }
                                distillation.record(peer.apply(prepared), peer: peer.index)
                            }
                            distillation.recordDiagnosticsIfDisabled(for: peer, among: peers, totalSteps: steps)
                        }
                        try peer.logUpdatesIfDue()
                        try distillation?.flushIfDue(for: peer, totalSteps: steps)
                        if peer.isEvaluationDue(totalSteps: steps) { try peer.evaluate() }
                        reportProgress()
                    }
                }
            }
        }

        /// All peers at once, one thread per core: collect and learn in parallel; prepare every due
        /// distillation step from the same snapshot, then apply them; then log and evaluate in parallel.
        func runLockstep() throws {
            for _ in 0..<steps {
                let updates = try parallel(peers) { peer in
                    try peer.collectStep()
                    return peer.learnIfDue()
                }
                if let distillation {
                    let due = peers.indices.map { distillation.stepsDue(for: $0, afterUpdates: updates[$0]) }
                    let peers = self.peers
                    for round in 0..<(due.max() ?? 0) {
                        let prepared = try parallel(peers) { peer -> PreparedDistillation? in
                            guard round < due[peer.index] else { return nil }
                            return distillation.prepare(for: peer.index, among: peers)
                        }
                        let records = try parallel(peers) { peer -> DistillationRecord? in
                            prepared[peer.index].map { peer.apply($0) }
                        }
                        for (index, record) in records.enumerated() {
                            if let record { distillation.record(record, peer: index) }
                        }
                    }
                }
                let steps = self.steps
                _ = try parallel(peers) { peer in
                    try peer.logUpdatesIfDue()
                    if peer.isEvaluationDue(totalSteps: steps) { try peer.evaluate() }
                }
                if let distillation {
                    for peer in peers {
                        distillation.recordDiagnosticsIfDisabled(for: peer, among: peers, totalSteps: steps)
                    }
                    for peer in peers { try distillation.flushIfDue(for: peer, totalSteps: steps) }
                }
                reportProgress()
            }
        }

        func reportProgress() {
            guard let progress else { return }
            let done = peers.reduce(0) { $0 + $1.stepsTaken }
            let detail: String
            if peers.count == 1, let peer = peers.first {
                detail = "episodes \(peer.episodesFinished)"
                    + (peer.lastEpisodeReturn.map { "  last return \(Int($0.rounded()))" } ?? "")
            } else {
                let returns = peers.map { $0.lastEpisodeReturn.map { String(Int($0.rounded())) } ?? "-" }
                detail = "last returns \(returns.joined(separator: " / "))"
            }
            progress.update(done: done, total: steps * peers.count, detail: detail)
        }
    }

    /// Runs `body` for each peer on the machine's cores and returns the results in peer order; rethrows the
    /// first peer's error (in peer order, so the reported error does not depend on timing).
    static func parallel<Result: Sendable>(_ peers: [PeerRun],
                                           _ body: @Sendable (PeerRun) throws -> Result) throws -> [Result] {
        let results = ResultBox<Result>(count: peers.count)
        DispatchQueue.concurrentPerform(iterations: peers.count) { index in
            results.set(index, Swift.Result { try body(peers[index]) })
        }
        return try results.values.map { result in
            guard let result else { preconditionFailure("a parallel iteration did not run") }
            return try result.get()
        }
    }
}

/// Per-peer results written by concurrent iterations, each to its own index.
private final class ResultBox<Value: Sendable>: @unchecked Sendable {
    private(set) var values: [Result<Value, any Error>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<Value, any Error>) { values[index] = value }
}

/// Seconds on a monotonic clock.
func monotonicNow() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
