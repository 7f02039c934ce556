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
/// (``PeerRun``): collect, learn and distil, log, evaluate. Off-policy and on-policy peers mix freely (TD3 with
/// PPO, say); each keeps its own cadence, and "an update" is a gradient update for an off-policy learner and a
/// whole PPO iteration for an on-policy one (so `every: 5` distils after every fifth PPO iteration). Distillation
/// (``DistillationPhase``) is interleaved with learning in the reference's order: after every `every`-th update
/// of a learner, one distillation step on states from the peers it distils from (``PeerSelection``), then that
/// update's target-network step. Peers never hold each other. With distillation disabled no step is taken and
/// nothing else changes: each learner's logs are byte-identical to a single-learner run of the same
/// configuration with the same stream names.
///
/// Schedules (``DistillationSchedule``): `alternate` runs each peer in turn, round robin, for `alternationSteps`
/// steps, as the reference code does with whole epochs; `lockstep` steps all peers at once, one thread per core,
/// and distils from a consistent snapshot (all steps are prepared before any is applied), so the logs do not
/// depend on thread timing.
public enum Trainer {
    /// Trains the peers of `configuration` with root seed `seed`, writing `learner0/` … `learner{k−1}/` and,
    /// with a distillation block, `distillation.csv` into `folder`.
    /// - Parameters:
    ///   - teacher: the teacher of a teacher-student run when the caller has loaded it already (`nil`: loaded
    ///     here from `distillation.teacher`, if any), so its checkpoint is read once.
    ///   - firstPeerIndex: the index of the first peer, which names its streams and folder (`learner<i>`): a
    ///     single run with index 1 draws exactly what learner 1 of a pair without distillation draws. Only
    ///     without distillation (with it, peers are `learner0` … `learner{k−1}`).
    ///   - checkpoints: where and how often to checkpoint (`nil`: never, for tests and benchmarks).
    ///   - resuming: a checkpoint of this run to continue from; `folder` must then be reopened with the
    ///     checkpoint's log lengths (``RunFolder/reopen(at:logLengths:)``).
    ///   - stopRequested: polled after every step; when it returns `true` the trainer writes a checkpoint and
    ///     throws ``TrainingStopped``.
    ///   - events: told of every update, distillation step and target-network step in the order they happen
    ///     (the `alternate` schedule; for tests of the schedule).
    /// - Returns: the wall-clock figures, which the caller writes apart from the learning logs.
    public static func run(_ configuration: ExperimentConfiguration, seed: UInt64, folder: RunFolder,
                           teacher: (any Distillable)? = nil, firstPeerIndex: Int = 0, progress: ProgressLine? = nil,
                           checkpoints: Checkpointer? = nil, resuming checkpoint: Checkpoint? = nil,
                           stopRequested: @escaping @Sendable () -> Bool = { false },
                           events: ((TrainerEvent) -> Void)? = nil) throws -> RunTiming {
        precondition(firstPeerIndex == 0 || configuration.distillation == nil,
                     "peers of a distillation run are learner0 … learner{k−1}")
        let registration = try EnvironmentRegistry.registration(configuration.env)
        let root = RandomStream(seed: seed)
        let sameEnvironment = configuration.distillation?.sameEnvironmentSeed == true
        let peers = try configuration.resolvedPeers.enumerated().map { offset, peer in
            try PeerRun(index: firstPeerIndex + offset, environment: registration, configuration: peer.learner,
                        training: peer.training, evaluation: configuration.evaluation, root: root, folder: folder,
                        totalSteps: configuration.steps,
                        historyCapacity: configuration.distillation?.window ?? onPolicyHistoryDefault,
                        environmentStreamsOf: sameEnvironment ? firstPeerIndex : nil)
        }
        let teacher = try teacher ?? TeacherRun.load(for: configuration)
        let distillation = try configuration.distillation.map {
            try DistillationPhase(configuration: $0, peers: peers, teacher: teacher, folder: folder)
        }
        if let checkpoint {
            try restore(checkpoint, peers: peers, distillation: distillation, steps: configuration.steps)
        }
        let stepsBefore = peers.reduce(0) { $0 + $1.stepsTaken }
        let start = monotonicNow()
        let loop = Loop(peers: peers, steps: configuration.steps, distillation: distillation, progress: progress,
                        checkpoints: checkpoints, stopRequested: stopRequested, events: events)
        do {
            switch configuration.distillation?.schedule ?? .alternate {
            case .alternate:
                try loop.runAlternating(turn: configuration.distillation?.alternationSteps,
                                        from: checkpoint?.record.position)
            case .lockstep:
                try loop.runLockstep()
            }
        } catch let error as TrainingError {
            throw error.keeping(checkpoint: checkpoints?.lastStep ?? 0)
        }
        try checkpoints?.write(peers: peers, distillation: distillation,
                               position: TrainerPosition(peer: 0, stepsLeftInTurn: 0))
        for peer in peers { try peer.keepFinalPolicy() }
        progress?.finish()
        let elapsed = monotonicNow() - start
        let steps = configuration.steps * peers.count - stepsBefore
        var timing = RunTiming(elapsedSeconds: elapsed, stepsPerSecond: Double(steps) / max(elapsed, 1e-9),
                               steps: steps, resumedAtSteps: checkpoint.map { _ in stepsBefore })
        timing.checkpoints = checkpoints?.written
        timing.checkpointSeconds = checkpoints?.seconds
        return timing
    }

    /// How many recent observations an on-policy peer keeps as distillation states when the distillation block
    /// gives no `window`: the paper's "most recent 1000" (the reference DPD-PPO kept up to 100,000).
    public static let onPolicyHistoryDefault = 1000

    /// Puts freshly built peers and distil phase where `checkpoint` left them.
    /// - Throws: ``CheckpointError/malformed(path:reason:)`` for a record that does not fit the configuration.
    private static func restore(_ checkpoint: Checkpoint, peers: [PeerRun], distillation: DistillationPhase?,
                                steps: Int) throws {
        let record = checkpoint.record
        func malformed(_ reason: String) -> CheckpointError {
            CheckpointError.malformed(path: checkpoint.archive.source, reason: reason)
        }
        guard record.peers.count == peers.count, record.stepsTaken.count == peers.count,
              (record.distillation == nil) == (distillation == nil) else {
            throw malformed("it holds \(record.peers.count) peers, the configuration \(peers.count)")
        }
        guard (0..<peers.count).contains(record.position.peer), (0...steps).contains(record.position.stepsLeftInTurn),
              record.stepsTaken.allSatisfy({ (0...steps).contains($0) }),
              record.position.stepsLeftInTurn <= steps - record.stepsTaken[record.position.peer],
              zip(record.stepsTaken, record.peers).allSatisfy({ $0 == $1.environment.counters.steps }) else {
            throw malformed("its trainer position does not fit a run of \(steps) steps per peer")
        }
        for (peer, state) in zip(peers, record.peers) { try peer.restore(state, from: checkpoint.archive) }
        if let distillation, let state = record.distillation { try distillation.restore(state) }
    }

    /// The loop over the peers' phases.
    private struct Loop {
        let peers: [PeerRun]
        /// Environment steps per peer.
        let steps: Int
        let distillation: DistillationPhase?
        let progress: ProgressLine?
        let checkpoints: Checkpointer?
        let stopRequested: @Sendable () -> Bool
        let events: ((TrainerEvent) -> Void)?

        /// Round robin: each peer in turn runs `turn` steps (all of its steps when `nil`), then the next;
        /// from `start` when resuming.
        func runAlternating(turn: Int?, from start: TrainerPosition?) throws {
            func turnLength(of peer: Int) -> Int { min(turn ?? steps, steps - peers[peer].stepsTaken) }
            var position = start ?? TrainerPosition(peer: 0, stepsLeftInTurn: turnLength(of: 0))
            while true {
                if position.stepsLeftInTurn == 0 {
                    guard peers.contains(where: { $0.stepsTaken < steps }) else { return }
                    let next = (position.peer + 1) % peers.count
                    position = TrainerPosition(peer: next, stepsLeftInTurn: turnLength(of: next))
                    continue
                }
                let peer = peers[position.peer]
                try peer.collectStep()
                for _ in 0..<peer.updatesDue() {
                    peer.updateOnce()
                    events?(.update(peer: peer.index))
                    if let distillation {
                        for _ in 0..<distillation.stepsDue(for: peer.index, afterUpdates: 1) {
                            guard let prepared = distillation.prepare(for: peer.index, among: peers) else { continue }
                            distillation.record(peer.apply(prepared), peer: peer.index)
                            events?(.distillation(peer: peer.index))
                        }
                    }
                    peer.finishUpdate()
                    events?(.updateFinished(peer: peer.index))
                }
                try peer.logUpdatesIfDue()
                try distillation?.logIfDue(for: peer, among: peers, totalSteps: steps)
                if peer.isEvaluationDue(totalSteps: steps) { try peer.evaluate() }
                position.stepsLeftInTurn -= 1
                try stepDidEnd(at: position, peerSteps: peer.stepsTaken)
            }
        }

        /// All peers at once, one thread per core: collect in parallel; then update by update, every peer's
        /// update in parallel, every due distillation step prepared from the same snapshot, then applied together
        /// with the target-network steps; then log and evaluate in parallel.
        func runLockstep() throws {
            let peers = self.peers
            let distils = distillation?.configuration.enabled == true
            for _ in peers[0].stepsTaken..<steps {
                let due = try parallel(peers) { peer in
                    try peer.collectStep()
                    return distils ? peer.updatesDue() : peer.learnIfDue()
                }
                if distils, let distillation {
                    for round in 0..<(due.max() ?? 0) {
                        let updating = peers.indices.map { round < due[$0] }
                        _ = try parallel(peers) { peer in if updating[peer.index] { peer.updateOnce() } }
                        let distilling = peers.indices.map {
                            updating[$0] && distillation.stepsDue(for: $0, afterUpdates: 1) > 0
                        }
                        let prepared = try parallel(peers) { peer -> PreparedDistillation? in
                            distilling[peer.index] ? distillation.prepare(for: peer.index, among: peers) : nil
                        }
                        let records = try parallel(peers) { peer -> DistillationRecord? in
                            defer { if updating[peer.index] { peer.finishUpdate() } }
                            return prepared[peer.index].map { peer.apply($0) }
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
                    for peer in peers { try distillation.logIfDue(for: peer, among: peers, totalSteps: steps) }
                }
                try stepDidEnd(at: TrainerPosition(peer: 0, stepsLeftInTurn: 0), peerSteps: peers[0].stepsTaken)
            }
        }

        /// After every step: progress, the fault-injection hook, a stop request, a checkpoint when one is due
        /// (every `checkpoint.every` steps of the peer that stepped, except the run's last, which the run writes).
        func stepDidEnd(at position: TrainerPosition, peerSteps: Int) throws {
            reportProgress()
            FaultInjection.afterStep(totalSteps: peers.reduce(0) { $0 + $1.stepsTaken })
            let isLast = !peers.contains { $0.stepsTaken < steps }
            if stopRequested(), !isLast {
                try checkpoints?.write(peers: peers, distillation: distillation, position: position)
                throw TrainingStopped(stepsTaken: peers.map(\.stepsTaken), checkpointWritten: checkpoints != nil)
            }
            if let checkpoints, checkpoints.every > 0, peerSteps % checkpoints.every == 0, !isLast {
                try checkpoints.write(peers: peers, distillation: distillation, position: position)
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

/// What the trainer did, in order, for tests of its schedule (``Trainer/run(_:seed:folder:teacher:firstPeerIndex:progress:checkpoints:resuming:stopRequested:events:)``).
public enum TrainerEvent: Equatable, Sendable {
    /// Peer `peer` made an RL update (critics and actor; its target networks wait).
    case update(peer: Int)
    /// Peer `peer` took a distillation step.
    case distillation(peer: Int)
    /// Peer `peer` completed its update: its target networks moved (if it has any).
    case updateFinished(peer: Int)
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
