import DuetLearners

/// A peer's kept policies beside its logs: the final one and the best evaluation's (issue 15).
///
/// Placeholder for the hook points in ``PeerRun``: it keeps nothing yet.
final class PolicyShelf {
    /// Opens the shelf of peer `peer` in its log folder.
    init(folder: RunFolder, peer: String) throws {}

    /// Called after every evaluation with its returns.
    func didEvaluate(returns: [Double], step: Int, learner: any Distillable) throws {}

    /// Called once at the end of the run.
    func keepFinal(step: Int, learner: any Distillable) throws {}
}
