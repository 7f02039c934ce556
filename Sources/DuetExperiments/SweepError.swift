/// A sweep's one-line errors, each naming the flag, key or file at fault and what is accepted.
public enum SweepError: Error, Equatable, CustomStringConvertible {
    /// A `--grid` flag that is malformed or whose key or value the experiment file does not accept.
    case badGrid(text: String, reason: String)
    /// A `--arms` value that is not an arm.
    case badArms(text: String)
    /// Two settings whose folder names are the same once made safe for a path.
    case folderClash(first: String, second: String, folder: String)
    /// The output folder holds another sweep's `plan.json`.
    case otherSweep(path: String)
    /// A manifest or plan that cannot be read, or that disagree.
    case badManifest(path: String, reason: String)
    /// A `--task` index outside the manifest.
    case taskOutOfRange(task: Int, count: Int, path: String)
    /// A file of the sweep that cannot be written.
    case cannotWrite(path: String, reason: String)
    /// A worker process that cannot be started.
    case cannotStart(path: String, reason: String)

    /// The one-line message, naming the flag, key or file at fault and what is accepted.
    public var description: String {
        switch self {
        case let .badGrid(text, reason):
            return "\(text): \(reason)"
        case let .badArms(text):
            return "--arms \(text): not a list of arms (accepted: on, off, single, comma-separated, each once, e.g. on,off)"
        case let .folderClash(first, second, folder):
            return "--grid: the settings \(first) and \(second) would share the run folder '\(folder)'; "
                + "give values that differ in letters, digits or ._+-"
        case let .otherSweep(path):
            return "--out \(path): holds another sweep (its plan.json differs from this one); choose another "
                + "--out, or rerun that sweep's own command to continue it"
        case let .badManifest(path, reason):
            return "--manifest \(path): \(reason)"
        case let .taskOutOfRange(task, count, path):
            return "--task \(task): out of range for --manifest \(path) (accepted: 0 to \(count - 1))"
        case let .cannotWrite(path, reason):
            return "\(path): cannot write: \(reason)"
        case let .cannotStart(path, reason):
            return "\(path): cannot start a run: \(reason)"
        }
    }
}
