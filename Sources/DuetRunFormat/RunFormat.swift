/// The run folder's format, defined once: file names, CSV columns and `run.json` keys. The trainer writes runs
/// through these names and the results reader reads them through the same names, so the two cannot drift apart.
///
/// ```
/// <run>/run.json                  RunFormat.RunKey: arm, seed, env, learners, configurationFile, duetVersion,
///                                 gitCommit, configuration
/// <run>/timing.json               wall-clock figures (apart, so that the learning logs are reproducible)
/// <run>/error.txt                 why training stopped, when it failed
/// <run>/status.json               RunFormat.StatusKey: running, finished, stopped or failed, and where
/// <run>/checkpoint.duet           everything needed to continue the run exactly (also the trained model)
/// <run>/learner<k>/episodes.csv   RunFormat.episodeColumns
/// <run>/learner<k>/evaluations.csv RunFormat.evaluationColumns
/// <run>/learner<k>/updates.csv    RunFormat.updateColumnsPrefix + the learner's own statistics
/// <run>/distillation.csv          RunFormat.distillationColumns + distillationExtraColumns (two or more peers)
/// ```
///
/// Learners are `learner0` … `learner{k−1}`, in the order of the experiment file's peers.
public enum RunFormat {
    /// The run's record: metadata and the resolved configuration.
    public static let runRecordFile = "run.json"
    /// Wall-clock figures of the run.
    public static let timingFile = "timing.json"
    /// Why a run stopped early (absent for runs that finished).
    public static let errorFile = "error.txt"
    /// The run's state: running, finished, stopped or failed (``RunStatus``).
    public static let statusFile = "status.json"
    /// The last complete checkpoint (written as ``checkpointPartialFile`` first, then renamed).
    public static let checkpointFile = "checkpoint.duet"
    /// A checkpoint being written; a leftover one is from a process killed while writing, and is ignored.
    public static let checkpointPartialFile = "checkpoint.duet.partial"
    /// The distillation diagnostics of all peers.
    public static let distillationFile = "distillation.csv"
    /// A learner's training episodes.
    public static let episodesFile = "episodes.csv"
    /// A learner's deterministic evaluations.
    public static let evaluationsFile = "evaluations.csv"
    /// A learner's update statistics.
    public static let updatesFile = "updates.csv"

    /// The folder of learner `index` inside a run folder: `learner<index>`.
    public static func learnerFolder(_ index: Int) -> String { "learner\(index)" }

    /// Columns of `episodes.csv`: the learner's environment steps when the episode ended, its episode count,
    /// the undiscounted return and the length.
    public static let episodeColumns = ["step", "episode", "return", "length"]

    /// Columns of `evaluations.csv`: the learner's environment steps, the number of evaluation episodes and
    /// their returns' mean, population standard deviation, minimum and maximum.
    public static let evaluationColumns = ["step", "episodes", "return_mean", "return_std", "return_min",
                                           "return_max"]

    /// The first columns of `updates.csv` (the environment step closing the interval and the number of
    /// updates in it); the learner's own statistics follow, in the order the learner names them.
    public static let updateColumnsPrefix = ["step", "updates"]

    /// The leading columns of `distillation.csv`, one row per learner per update-log interval: the step, the
    /// learner, the peer it distils from (an index, or `best` / `all` for the k-peer selections), and, on one
    /// diagnostic batch drawn at the end of the interval in both arms (distillation on and off alike), the loss
    /// a step would minimise, ξ's mean, the fraction of states with ξ > 0, the largest weight, the effective
    /// sample size and the distance between the learner's and the targets' actions.
    /// ``distillationExtraColumns`` follow.
    public static let distillationColumns = [
        "step", "learner", "peer", "loss", "mean_disadvantage", "fraction_disadvantageous", "max_weight",
        "effective_sample_size", "action_distance",
    ]

    /// The columns of `distillation.csv` after ``distillationColumns``: the number of distillation steps taken
    /// in the interval (0 with distillation off) and the interval means of those steps' six statistics (`nan`
    /// without steps); then, on the diagnostic batch, the mean of each side of ξ = Ṽ − V (the learner's own
    /// value and the peer's, as the value estimate gives them) and ξ's quartiles.
    public static let distillationExtraColumns = [
        "distillation_steps", "step_loss", "step_mean_disadvantage", "step_fraction_disadvantageous",
        "step_max_weight", "step_effective_sample_size", "step_action_distance", "own_value_mean",
        "peer_value_mean", "disadvantage_q1", "disadvantage_median", "disadvantage_q3",
    ]

    /// The keys of `run.json` (the file lists them sorted); also the coding keys of the writer and the reader.
    public enum RunKey: String, CaseIterable, CodingKey, Sendable {
        /// The arm of the study (`distill-on`, `distill-off`, `single`, ...): the grouping key of summaries.
        case arm
        /// The root seed of the run's random streams.
        case seed
        /// The environment identifier.
        case env
        /// The number of learners k.
        case learners
        /// The experiment file the run was made from.
        case configurationFile
        /// Duet's version.
        case duetVersion
        /// The git commit of the working tree (`-dirty` when it had uncommitted changes).
        case gitCommit
        /// The resolved configuration.
        case configuration
    }
}
