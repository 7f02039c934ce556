import DuetDistillation
import DuetLearners
import DuetRunFormat

/// The trainer's distil phase over k peers: which peers each learner distils from, when its steps are due, and
/// `distillation.csv`.
///
/// Preparing reads every peer and changes none; applying changes one learner. Steps due at the same moment are
/// all prepared before any is applied, so every learner distils from the same snapshot of the others.
final class DistillationPhase: @unchecked Sendable {
    let configuration: DistillationConfiguration
    private let peerCount: Int
    private let log: DistillationLog
    /// Updates made by each learner since its last distillation step (fewer than `every`).
    private(set) var cadence: DistillationCadence

    init(configuration: DistillationConfiguration, peers: [PeerRun], folder: RunFolder) throws {
        self.configuration = configuration
        peerCount = peers.count
        let selection = configuration.resolvedPeerSelection
        log = try DistillationLog(folder: folder, labels: peers.map {
            selection.label(for: $0.index, peerCount: peers.count)
        })
        cadence = DistillationCadence(peerCount: peers.count)
    }

    /// Distillation steps now due for peer `index` after it made `updates` updates (none when disabled).
    func stepsDue(for index: Int, afterUpdates updates: Int) -> Int {
        guard configuration.enabled else { return 0 }
        cadence.pendingUpdates[index] += updates
        let due = cadence.pendingUpdates[index] / configuration.every
        cadence.pendingUpdates[index] %= configuration.every
        return due
    }

    /// The step of peer `index` on a batch from the peers it distils from, or `nil` while none has states.
    /// Draws only from that peer's distillation stream; changes no peer.
    func prepare(for index: Int, among peers: [PeerRun]) -> PreparedDistillation? {
        let selection = configuration.resolvedPeerSelection
        let sources = selection.sources(for: index, peerCount: peers.count).map { source in
            DistillationPeer(index: source, learner: peers[source].learner, states: peers[source].distillationStates)
        }
        return PreparedDistillation.prepare(learner: peers[index].learner, peers: sources, selection: selection,
                                            configuration: configuration, using: peers[index].distillationStream)
    }

    /// Adds a step's (or, with distillation off, a diagnostic batch's) record to peer `index`'s interval.
    func record(_ record: DistillationRecord, peer index: Int) { log.record(record, peer: index) }

    /// With distillation off, once per update-log interval of `peer` (and at the run's last step): the
    /// diagnostics of one batch — action distance, disadvantage statistics, the loss a step would have
    /// minimised — without any step, so the `off` arm's `distillation.csv` compares with the `on` arm's. Only
    /// the peer's distillation stream is drawn.
    func recordDiagnosticsIfDisabled(for peer: PeerRun, among peers: [PeerRun], totalSteps: Int) {
        guard !configuration.enabled, peer.stepsTaken > peer.training.learningStarts,
              peer.stepsTaken % peer.training.updateLogInterval == 0 || peer.stepsTaken == totalSteps,
              let prepared = prepare(for: peer.index, among: peers)
        else { return }
        log.record(prepared.diagnostics, peer: peer.index)
    }

    /// The cadence and the running `distillation.csv` intervals, for a checkpoint.
    var state: DistillationPhaseState { DistillationPhaseState(cadence: cadence, accumulator: log.accumulator) }

    /// Continues from a checkpoint's cadence and intervals.
    func restore(_ state: DistillationPhaseState) throws {
        guard state.cadence.pendingUpdates.count == peerCount, state.accumulator.counts.count == peerCount,
              state.accumulator.sums.allSatisfy({ $0.count == DistillationAccumulator.statistics }) else {
            throw RunFolderError.cannotResume(path: "checkpoint",
                                              reason: "its distillation state is not for \(peerCount) peers")
        }
        cadence = state.cadence
        log.restore(state.accumulator)
    }

    /// Writes peer `peer`'s row if its update-log interval just ended (or the run did) and it recorded steps.
    func flushIfDue(for peer: PeerRun, totalSteps: Int) throws {
        try log.flushIfDue(peer: peer.index, step: peer.stepsTaken, interval: peer.training.updateLogInterval,
                           isLast: peer.stepsTaken == totalSteps)
    }
}

/// The distil phase at a checkpoint, as plain data.
public struct DistillationPhaseState: Sendable, Equatable, Codable {
    /// Updates pending towards each peer's next step.
    public var cadence: DistillationCadence
    /// The running `distillation.csv` intervals.
    public var accumulator: DistillationAccumulator
}

/// When each peer's next distillation step is due, as plain data (a checkpoint stores it as it is).
public struct DistillationCadence: Sendable, Equatable, Codable {
    /// Updates made by each learner since its last distillation step (fewer than `every`).
    public var pendingUpdates: [Int]

    /// Nothing pending for `peerCount` peers.
    public init(peerCount: Int) { pendingUpdates = Array(repeating: 0, count: peerCount) }
}

/// The running sums of each peer's current `distillation.csv` interval, as plain data.
public struct DistillationAccumulator: Sendable, Equatable, Codable {
    /// Per peer, Σ of loss, mean ξ, fraction with ξ > 0, largest weight, effective sample size, action distance.
    public var sums: [[Double]]
    /// Per peer, the records added in the interval.
    public var counts: [Int]
    /// The number of statistics per record.
    static let statistics = 6

    /// Empty sums for `peerCount` peers.
    public init(peerCount: Int) {
        sums = Array(repeating: Array(repeating: 0, count: Self.statistics), count: peerCount)
        counts = Array(repeating: 0, count: peerCount)
    }
}

/// `distillation.csv`: one row per learner per update-log interval, holding the means over that interval's
/// distillation steps (intervals without a step write no row). With distillation off, each row holds the
/// diagnostics of one batch per interval, with no step taken.
final class DistillationLog {
    private let log: CSVLog
    private let labels: [String]
    private(set) var accumulator: DistillationAccumulator

    /// Opens the log; `labels[i]` is what the `peer` column says for learner i.
    init(folder: RunFolder, labels: [String]) throws {
        log = try folder.log(RunFormat.distillationFile, columns: RunFormat.distillationColumns)
        self.labels = labels
        accumulator = DistillationAccumulator(peerCount: labels.count)
    }

    /// Continues the intervals a checkpoint stored.
    func restore(_ stored: DistillationAccumulator) { accumulator = stored }

    func record(_ record: DistillationRecord, peer: Int) {
        let values = [record.loss, record.weights.meanDisadvantage, record.weights.fractionDisadvantageous,
                      record.weights.maximumWeight, record.weights.effectiveSampleSize, record.actionDistance]
        for index in values.indices { accumulator.sums[peer][index] += values[index] }
        accumulator.counts[peer] += 1
    }

    func flushIfDue(peer: Int, step: Int, interval: Int, isLast: Bool) throws {
        let count = accumulator.counts[peer]
        guard step % interval == 0 || isLast, count > 0 else { return }
        let means = accumulator.sums[peer].map { $0 / Double(count) }
        try log.append([CSVLog.format(step), CSVLog.format(peer), labels[peer]] + means.map(CSVLog.format))
        accumulator.sums[peer] = Array(repeating: 0, count: DistillationAccumulator.statistics)
        accumulator.counts[peer] = 0
    }
}
