import DuetDistillation
import DuetEnvironments
import DuetLearners
import DuetRandom
import Foundation

/// Trains two peer learners side by side with disadvantageous distillation (Lai et al., IJCAI 2020).
///
/// Each learner runs the single-learner loop on its own environment copies, buffer, networks and streams
/// (``LearnerSlot``); the trainer adds one phase, *distil*, after each learning phase: for every `every` updates
/// the learner made, one distillation step on states from its peer's buffer (``PreparedDistillation``). Neither
/// learner holds the other; the trainer hands each its peer for the batch. With distillation disabled the distil
/// phase is skipped and nothing else changes: each learner's logs are byte-identical to a single-learner run of
/// the same configuration with the same stream names.
///
/// Schedules (``DistillationSchedule``): `alternate` runs one learner for `alternationSteps` steps, then the
/// other, as the reference code does with whole epochs; `lockstep` steps both learners at once on two threads
/// and distils from a consistent snapshot (both steps are prepared before either is applied), so the logs do
/// not depend on thread timing.
public enum DualTrainer {
    /// Column headers of `distillation.csv`.
    public static let distillationColumns = [
        "step", "learner", "loss", "mean_disadvantage", "fraction_disadvantageous", "max_weight",
        "effective_sample_size", "action_distance",
    ]

    /// Trains the pair of `configuration` (which must have a distillation block) with root seed `seed`, writing
    /// `learner0/`, `learner1/` and `distillation.csv` into `folder`.
    /// - Parameter distill: overrides the file's `distillation.enabled` (the `--distill/--no-distill` flags).
    public static func run(_ configuration: ExperimentConfiguration, seed: UInt64, folder: RunFolder,
                           progress: ProgressLine? = nil) throws -> RunTiming {
        guard let distillation = configuration.distillation else {
            preconditionFailure("DualTrainer needs a configuration with a distillation block")
        }
        let registration = try EnvironmentRegistry.registration(configuration.env)
        let root = RandomStream(seed: seed)
        let slots = try configuration.learnerConfigurations.enumerated().map { index, learner in
            try LearnerSlot(index: index, environment: registration, configuration: learner,
                            training: configuration.training, evaluation: configuration.evaluation, root: root,
                            folder: folder)
        }
        let log = try DistillationLog(folder: folder, slots: slots)
        let start = monotonicNow()
        var loop = Loop(slots: slots, configuration: configuration, distillation: distillation, log: log,
                        progress: progress)
        switch distillation.schedule {
        case .alternate: try loop.runAlternating()
        case .lockstep: try loop.runLockstep()
        }
        progress?.finish()
        let elapsed = monotonicNow() - start
        let steps = configuration.steps * slots.count
        return RunTiming(elapsedSeconds: elapsed, stepsPerSecond: Double(steps) / max(elapsed, 1e-9), steps: steps)
    }

    /// The loop's state: the slots, how many updates each has not yet distilled for, and the logs.
    private struct Loop {
        let slots: [LearnerSlot]
        let configuration: ExperimentConfiguration
        let distillation: DistillationConfiguration
        let log: DistillationLog
        let progress: ProgressLine?
        /// Updates made by each learner since its last distillation step (fewer than `every`).
        var pendingUpdates: [Int]

        init(slots: [LearnerSlot], configuration: ExperimentConfiguration, distillation: DistillationConfiguration,
             log: DistillationLog, progress: ProgressLine?) {
            self.slots = slots
            self.configuration = configuration
            self.distillation = distillation
            self.log = log
            self.progress = progress
            pendingUpdates = Array(repeating: 0, count: slots.count)
        }

        /// Distillation steps now due for slot `index` after it made `updates` updates.
        mutating func stepsDue(for index: Int, afterUpdates updates: Int) -> Int {
            guard distillation.enabled else { return 0 }
            pendingUpdates[index] += updates
            let due = pendingUpdates[index] / distillation.every
            pendingUpdates[index] %= distillation.every
            return due
        }

        /// The reference schedule: each learner in turn runs `alternationSteps` steps (collect, learn, distil,
        /// log, evaluate) while its peer waits.
        mutating func runAlternating() throws {
            while slots.contains(where: { $0.stepsTaken < configuration.steps }) {
                for (index, slot) in slots.enumerated() {
                    let period = min(distillation.alternationSteps, configuration.steps - slot.stepsTaken)
                    for _ in 0..<period {
                        try slot.collectStep()
                        let updates = slot.learnIfDue()
                        for _ in 0..<stepsDue(for: index, afterUpdates: updates) {
                            let peer = slots[1 - index]
                            guard let prepared = PreparedDistillation.prepare(
                                learner: slot.learner, peer: peer.learner, peerBuffer: peer.buffer,
                                configuration: distillation, using: slot.distillationStream)
                            else { continue }
                            try log.record(prepared.apply(to: &slot.learner), slot: index, step: slot.stepsTaken)
                        }
                        try logDiagnosticsIfDisabled(slot, index: index)
                        try finishStep(slot, index: index)
                    }
                }
            }
        }

        /// Both learners at once, one thread each: collect and learn in parallel; prepare both distillation
        /// steps from the same snapshot, then apply both; then log and evaluate in parallel.
        mutating func runLockstep() throws {
            for _ in 0..<configuration.steps {
                let updates = try parallel(slots) { slot, _ in
                    try slot.collectStep()
                    return slot.learnIfDue()
                }
                let due = (0..<slots.count).map { stepsDue(for: $0, afterUpdates: updates[$0]) }
                for round in 0..<(due.max() ?? 0) {
                    let distillation = self.distillation
                    let slots = self.slots
                    let prepared = try parallel(slots) { slot, index -> PreparedDistillation? in
                        guard round < due[index] else { return nil }
                        let peer = slots[1 - index]
                        return PreparedDistillation.prepare(
                            learner: slot.learner, peer: peer.learner, peerBuffer: peer.buffer,
                            configuration: distillation, using: slot.distillationStream)
                    }
                    let records = try parallel(slots) { slot, index -> DistillationRecord? in
                        prepared[index].map { $0.apply(to: &slot.learner) }
                    }
                    for (index, record) in records.enumerated() {
                        if let record { try log.record(record, slot: index, step: slots[index].stepsTaken) }
                    }
                }
                let total = configuration.steps
                _ = try parallel(slots) { slot, index in
                    try slot.logUpdatesIfDue()
                    if slot.isEvaluationDue(totalSteps: total) { try slot.evaluate() }
                }
                for (index, slot) in slots.enumerated() { try logDiagnosticsIfDisabled(slot, index: index) }
                for (index, slot) in slots.enumerated() { try log.flushIfDue(slot: index, step: slot.stepsTaken,
                                                                             interval: slot.training.updateLogInterval,
                                                                             isLast: slot.stepsTaken == total) }
                reportProgress()
            }
        }

        /// With distillation off, once per update-log interval: the diagnostics of one batch (action distance,
        /// disadvantage statistics, the loss a step would have minimised) without any step, so the `off` arm's
        /// `distillation.csv` can be compared with the `on` arm's. Only the slot's distillation stream is drawn.
        func logDiagnosticsIfDisabled(_ slot: LearnerSlot, index: Int) throws {
            guard !distillation.enabled, slot.stepsTaken > slot.training.learningStarts,
                  slot.stepsTaken % slot.training.updateLogInterval == 0 || slot.stepsTaken == configuration.steps
            else { return }
            let peer = slots[1 - index]
            guard let prepared = PreparedDistillation.prepare(
                learner: slot.learner, peer: peer.learner, peerBuffer: peer.buffer, configuration: distillation,
                using: slot.distillationStream)
            else { return }
            try log.record(prepared.diagnostics, slot: index, step: slot.stepsTaken)
        }

        /// Update log, distillation log, evaluation and progress after one step of one slot.
        func finishStep(_ slot: LearnerSlot, index: Int) throws {
            try slot.logUpdatesIfDue()
            try log.flushIfDue(slot: index, step: slot.stepsTaken, interval: slot.training.updateLogInterval,
                               isLast: slot.stepsTaken == configuration.steps)
            if slot.isEvaluationDue(totalSteps: configuration.steps) { try slot.evaluate() }
            reportProgress()
        }

        func reportProgress() {
            guard let progress else { return }
            let done = slots.reduce(0) { $0 + $1.stepsTaken }
            let returns = slots.map { $0.lastEpisodeReturn.map { String(Int($0.rounded())) } ?? "-" }
            progress.update(done: done, total: configuration.steps * slots.count,
                            detail: "last returns \(returns.joined(separator: " / "))")
        }
    }

    /// Runs `body` for each slot, one thread per slot, and returns the results in slot order; rethrows the
    /// first slot's error (in slot order, so the reported error does not depend on timing).
    static func parallel<Result: Sendable>(_ slots: [LearnerSlot],
                                           _ body: @Sendable (LearnerSlot, Int) throws -> Result) throws -> [Result] {
        let results = ResultBox<Result>(count: slots.count)
        DispatchQueue.concurrentPerform(iterations: slots.count) { index in
            results.set(index, Swift.Result { try body(slots[index], index) })
        }
        return try results.values.map { try $0!.get() }
    }
}

/// Per-slot results written by concurrent iterations, each to its own index.
private final class ResultBox<Value: Sendable>: @unchecked Sendable {
    private(set) var values: [Result<Value, any Error>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<Value, any Error>) { values[index] = value }
}

/// `distillation.csv`: one row per learner per update-log interval, holding the means over that interval's
/// distillation steps (intervals without a step write no row). With distillation off, each row holds the
/// diagnostics of one batch per interval, with no step taken.
final class DistillationLog: @unchecked Sendable {
    private let log: CSVLog
    private var sums: [[Double]]
    private var counts: [Int]

    init(folder: RunFolder, slots: [LearnerSlot]) throws {
        log = try folder.log("distillation.csv", columns: DualTrainer.distillationColumns)
        sums = Array(repeating: Array(repeating: 0, count: 6), count: slots.count)
        counts = Array(repeating: 0, count: slots.count)
    }

    /// Adds one step's record to slot `slot`'s running means.
    func record(_ record: DistillationRecord, slot: Int, step: Int) throws {
        let values = [record.loss, record.weights.meanDisadvantage, record.weights.fractionDisadvantageous,
                      record.weights.maximumWeight, record.weights.effectiveSampleSize, record.actionDistance]
        for index in values.indices { sums[slot][index] += values[index] }
        counts[slot] += 1
    }

    /// Writes slot `slot`'s row if its interval just ended (or the run did) and it has distilled in it.
    func flushIfDue(slot: Int, step: Int, interval: Int, isLast: Bool) throws {
        guard step % interval == 0 || isLast, counts[slot] > 0 else { return }
        let means = sums[slot].map { $0 / Double(counts[slot]) }
        try log.append([CSVLog.format(step), CSVLog.format(slot)] + means.map(CSVLog.format))
        sums[slot] = Array(repeating: 0, count: 6)
        counts[slot] = 0
    }
}
