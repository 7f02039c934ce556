import DuetLearners
import DuetRunFormat
import Foundation

/// A peer's kept policies beside its logs (issue 15): `learner<i>/policy-best.duet`, rewritten after every
/// evaluation whose mean return beats every earlier one of the run (the first evaluation always does; ties keep
/// the earlier policy), and `learner<i>/policy-final.duet`, written once at the end of the run. Both are
/// ``PolicyFile``s, written atomically. They are not logs: no checkpoint records them and nothing reads them back
/// during training, so the learning logs are the same with or without them.
///
/// **Resume.** The best mean so far is not checkpointed: the shelf reads it back from the peer's
/// `evaluations.csv` when it opens, which a resume has already cut back to the checkpoint (the runner opens the
/// logs before the shelf). The evaluations after the checkpoint then repeat exactly, so a resumed run rewrites
/// the same best policy at the same evaluation as an uninterrupted one, and ends with the same two files.
public final class PolicyShelf {
    /// The peer's folder.
    private let folder: RunFolder
    /// The peer's name, for messages.
    private let peer: String
    /// The best evaluation's mean so far, or `nil` before the first evaluation.
    public private(set) var bestMean: Double?
    /// The last evaluation seen: its step, mean and returns (empty when only its mean is known from the log).
    private var lastEvaluation: (step: Int, mean: Double, returns: [Double])?

    /// Opens the shelf of peer `peer` in its log folder, recovering the best and the last evaluation from the
    /// folder's `evaluations.csv` (empty in a new run, cut to the checkpoint in a resumed one).
    /// - Throws: ``RunFolderError/cannotResume(path:reason:)`` for an evaluation log that cannot be read.
    public init(folder: RunFolder, peer: String) throws {
        self.folder = folder
        self.peer = peer
        for (step, mean) in try Self.evaluations(in: folder.file(RunFormat.evaluationsFile)) {
            if Self.improves(mean, on: bestMean) { bestMean = mean }
            lastEvaluation = (step, mean, [])
        }
    }

    /// Called after every evaluation with its returns: keeps the policy as the best one if its mean return
    /// improves on every earlier evaluation's.
    public func didEvaluate(returns: [Double], step: Int, learner: any Distillable) throws {
        // The mean exactly as the runner logs it.
        let mean = returns.reduce(0, +) / Double(returns.count)
        lastEvaluation = (step, mean, returns)
        guard Self.improves(mean, on: bestMean) else { return }
        bestMean = mean
        try keep(learner, as: PolicyFile.bestFile, step: step, mean: mean, returns: returns)
    }

    /// Called once at the end of the run: keeps the final policy (with the last evaluation when it was made at
    /// this step, which the trainer's end-of-run evaluation guarantees).
    public func keepFinal(step: Int, learner: any Distillable) throws {
        let evaluation = lastEvaluation.flatMap { $0.step == step ? $0 : nil }
        try keep(learner, as: PolicyFile.finalFile, step: step, mean: evaluation?.mean,
                 returns: evaluation?.returns ?? [])
    }

    /// Writes `learner`'s policy to `name` in the peer's folder.
    private func keep(_ learner: any Distillable, as name: String, step: Int, mean: Double?,
                      returns: [Double]) throws {
        guard let exporting = learner as? any PolicyExporting else {
            preconditionFailure("\(peer): \(type(of: learner)) cannot export its policy")
        }
        try PolicyFile(policy: exporting.savedPolicy, step: step, evaluationMean: mean, evaluationReturns: returns)
            .write(to: folder.file(name))
    }

    /// Whether an evaluation's mean becomes the new best: the first always does, then only a strictly larger one
    /// (a finite mean also replaces a NaN best).
    public static func improves(_ mean: Double, on best: Double?) -> Bool {
        guard let best else { return true }
        return mean > best || (best.isNaN && !mean.isNaN)
    }

    /// The (step, return_mean) rows of an evaluation log; none when the file does not exist yet.
    public static func evaluations(in url: URL) throws -> [(step: Int, mean: Double)] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw RunFolderError.cannotResume(path: url.path, reason: "cannot read the log (\(error.localizedDescription))")
        }
        let columns = RunFormat.evaluationColumns
        guard let stepColumn = columns.firstIndex(of: "step"), let meanColumn = columns.firstIndex(of: "return_mean")
        else { return [] }
        return try text.split(separator: "\n").dropFirst().enumerated().map { offset, line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == columns.count, let step = Int(fields[stepColumn]),
                  let mean = Double(fields[meanColumn]) else {
                throw RunFolderError.cannotResume(path: url.path, reason: "line \(offset + 2) is not an evaluation row")
            }
            return (step, mean)
        }
    }
}
