import Foundation

extension SweepPlan.Run {
    /// What a run's folder holds, which decides what running the plan does with it.
    public enum State: Sendable, Equatable {
        /// No folder yet: train the run.
        case new
        /// This very run (same configuration and seed), not finished: continue it with `duet resume`.
        case unfinished
        /// This very run, finished: nothing to do.
        case finished
    }

    /// Reads the run's folder. A folder that holds anything but this run (another configuration or seed, or
    /// no `run.json`) is an error, never replaced, unless `overwrite` (then every run is trained afresh).
    /// - Throws: ``RunFolderError/alreadyExists(path:)``.
    public func state(configurationPath: String, overwrite: Bool) throws -> State {
        guard !overwrite, FileManager.default.fileExists(atPath: folder) else { return .new }
        let session = TrainingSession(
            configurationPath: configurationPath, overrides: overrides, seed: seed,
            distill: arm.map { $0 == .single ? nil : $0 == .on } ?? nil, singleLearner: arm == .single,
            duetVersion: "")
        let existing = RunResumption(folder: folder, duetVersion: "")
        guard let record = try? existing.readRecord(), record.seed == seed,
              record.configuration == (try session.resolvedConfiguration()),
              let status = existing.readStatus()
        else { throw RunFolderError.alreadyExists(path: folder) }
        return status.state == .finished ? .finished : .unfinished
    }

    /// The `duet` arguments that bring the run to its end from `state`: `train` for a new run, `resume` for an
    /// unfinished one, nil for a finished one.
    public func arguments(from state: State) -> [String]? {
        switch state {
        case .new: arguments
        case .unfinished: ["resume", folder] + (arguments.contains(SweepPlan.portableFlag) ? [SweepPlan.portableFlag] : [])
        case .finished: nil
        }
    }
}
