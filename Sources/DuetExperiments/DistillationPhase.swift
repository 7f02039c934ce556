import DuetDistillation
import DuetLearners
import DuetRandom
import DuetRunFormat

/// The trainer's distil phase over k peers: which peers each learner distils from, when its steps are due, and
/// `distillation.csv`.
///
/// Preparing reads every peer and changes none; applying changes one learner. Steps due at the same moment are
/// all prepared before any is applied, so every learner distils from the same snapshot of the others.
final class DistillationPhase: @unchecked Sendable {
    let configuration: DistillationConfiguration
    private let peerCount: Int
    /// The fixed teacher every learner distils from instead of its peers (teacher-student), on its own states.
    private let teacher: (any Distillable)?
    private let log: DistillationLog
    /// Updates made by each learner since its last distillation step (fewer than `every`).
    private(set) var cadence: DistillationCadence

    /// The phase over `peers`; with a `teacher`, every learner distils from it alone (the `peer` column says
    /// `teacher`).
    init(configuration: DistillationConfiguration, peers: [PeerRun], teacher: (any Distillable)? = nil,
         folder: RunFolder) throws {
        self.configuration = configuration
        peerCount = peers.count
        self.teacher = teacher
        let selection = configuration.resolvedPeerSelection
        log = try DistillationLog(folder: folder, labels: peers.map {
            teacher == nil ? selection.label(for: $0.index, peerCount: peers.count) : "teacher"
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
        prepare(for: index, among: peers, using: peers[index].distillationStream)
    }

    /// Adds a step's record to peer `index`'s interval.
    func record(_ record: DistillationRecord, peer index: Int) { log.record(record, peer: index) }

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

    /// At the end of each update-log interval of `peer` (and at the run's last step), once learning has started
    /// or a step was taken: draws one diagnostic batch from the peer's `diagnostics` stream — the same batch
    /// whether distillation is on or off, so both arms' `distillation.csv` hold the same estimator — and writes
    /// its row with the interval means of the steps taken. Changes no learner; draws no other stream.
    func logIfDue(for peer: PeerRun, among peers: [PeerRun], totalSteps: Int) throws {
        let step = peer.stepsTaken
        let isLast = step == totalSteps
        guard step % peer.training.updateLogInterval == 0 || isLast else { return }
        let tookSteps = log.accumulator.counts[peer.index] > 0
        let diagnostic = tookSteps || step >= peer.training.learningStarts
            ? prepare(for: peer.index, among: peers, using: peer.diagnosticsStream) : nil
        try log.write(peer: peer.index, step: step, diagnostic: diagnostic)
    }

    /// The step of peer `index` on a batch from the peers it distils from, drawn with `stream`, or `nil` while
    /// none has states.
    private func prepare(for index: Int, among peers: [PeerRun], using stream: RandomStream)
        -> PreparedDistillation? {
        let selection = configuration.resolvedPeerSelection
        let sources = if let teacher {
            [DistillationPeer(index: peers.count, learner: teacher, states: peers[index].distillationStates)]
        } else {
            selection.sources(for: index, peerCount: peers.count).map { source in
                DistillationPeer(index: source, learner: peers[source].learner,
                                 states: peers[source].distillationStates)
            }
        }
        return PreparedDistillation.prepare(learner: peers[index].learner, peers: sources, selection: selection,
                                            configuration: configuration, using: stream)
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

/// `distillation.csv`: one row per learner per update-log interval with a diagnostic batch (see
/// ``RunFormat/distillationColumns`` and ``RunFormat/distillationExtraColumns``): the batch's statistics, then
/// the number of steps taken in the interval and their means.
final class DistillationLog {
    private let log: CSVLog
    private let labels: [String]
    private(set) var accumulator: DistillationAccumulator

    /// Opens the log; `labels[i]` is what the `peer` column says for learner i.
    init(folder: RunFolder, labels: [String]) throws {
        log = try folder.log(RunFormat.distillationFile,
                             columns: RunFormat.distillationColumns + RunFormat.distillationExtraColumns)
        self.labels = labels
        accumulator = DistillationAccumulator(peerCount: labels.count)
    }

    /// Continues the intervals a checkpoint stored.
    func restore(_ stored: DistillationAccumulator) { accumulator = stored }

    /// Adds a step's record to peer `peer`'s interval.
    func record(_ record: DistillationRecord, peer: Int) {
        let values = Self.statistics(of: record)
        for index in values.indices { accumulator.sums[peer][index] += values[index] }
        accumulator.counts[peer] += 1
    }

    /// Writes peer `peer`'s row for the interval ending at `step` from its diagnostic batch (no row without
    /// one) and starts the next interval.
    func write(peer: Int, step: Int, diagnostic: PreparedDistillation?) throws {
        let count = accumulator.counts[peer]
        defer {
            accumulator.sums[peer] = Array(repeating: 0, count: DistillationAccumulator.statistics)
            accumulator.counts[peer] = 0
        }
        guard let diagnostic else { return }
        let stepMeans = accumulator.sums[peer].map { count > 0 ? $0 / Double(count) : .nan }
        let estimates = diagnostic.estimates
        let row = Self.statistics(of: diagnostic.diagnostics) + [Double(count)] + stepMeans
            + [estimates.ownValueMean, estimates.peerValueMean] + estimates.disadvantageQuartiles
        try log.append([CSVLog.format(step), CSVLog.format(peer), labels[peer]] + row.map(CSVLog.format))
    }

    /// Loss, mean ξ, fraction with ξ > 0, largest weight, effective sample size, action distance.
    private static func statistics(of record: DistillationRecord) -> [Double] {
        [record.loss, record.weights.meanDisadvantage, record.weights.fractionDisadvantageous,
         record.weights.maximumWeight, record.weights.effectiveSampleSize, record.actionDistance]
    }
}
