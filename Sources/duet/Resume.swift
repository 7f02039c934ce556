import ArgumentParser
import DuetExperiments
import Foundation

/// `duet resume`: continues a run from its last complete checkpoint.
struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Continue a stopped, failed or killed run from its last checkpoint.",
        discussion: """
            Reads the run folder's run.json (configuration and seed) and checkpoint.duet, cuts every log back to \
            the length it had at the checkpoint, and trains on: the finished run's logs are byte-identical to \
            an uninterrupted run's. Refuses a checkpoint written by another Duet version or for another \
            configuration or seed, and a log whose content before the checkpoint was changed (missing, cut, \
            garbage bytes, a row deleted, a byte changed: the checkpoint records each log's length, rows and \
            CRC-32), changing nothing. A run killed before its first checkpoint starts again from the beginning; a \
            finished run is left as it is. SIGINT or SIGTERM stops the run after writing a checkpoint.
            """
    )

    @Argument(help: "The run folder, e.g. runs/pendulum-td3/seed-0.")
    var folder: String

    @Flag(help: "Portable reproducibility (use it when the run was trained with --portable).")
    var portable = false

    func run() throws {
        StopSignals.install()
        let resumption = RunResumption(folder: folder, duetVersion: DuetVersion.number)
        do {
            switch try resumption.run(progress: ProgressLine(), stopRequested: StopSignals.requested) {
            case .alreadyFinished:
                print("\(folder) is already finished; nothing to do")
            case let .finished(outcome, step):
                print("Wrote \(outcome.folder.path) (resumed at step \(step), \(outcome.configuration.steps) steps, "
                      + "\(String(format: "%.1f", outcome.timing.elapsedSeconds)) s this session)")
            }
        } catch let stopped as TrainingStopped {
            throw CommandError("\(folder): \(stopped)")
        }
    }
}
