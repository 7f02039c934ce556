/// What can go wrong writing an episode, each case with the context for a one-line message.
public enum RenderError: Error, Equatable, CustomStringConvertible {
    /// The output file's extension names no format this module writes.
    case unknownFormat(path: String, accepted: [String])
    /// The output could not be written (a missing folder, no permission).
    case unwritableOutput(path: String, reason: String)
    /// MP4 needs the `ffmpeg` executable, which is not on the PATH.
    case encoderMissing(path: String)
    /// `ffmpeg` ran and failed.
    case encoderFailed(path: String, status: Int32, message: String)
    /// An environment that cannot draw itself.
    case notDrawable(environment: String)
    /// An episode with no frames.
    case emptyEpisode

    /// The message, naming the path or environment and what would be accepted.
    public var description: String {
        switch self {
        case let .unknownFormat(path, accepted):
            return "-o \(path): unknown output format; accepted extensions are \(accepted.joined(separator: ", "))"
        case let .unwritableOutput(path, reason):
            return "-o \(path): cannot write the file (\(reason))"
        case let .encoderMissing(path):
            return "-o \(path): MP4 output needs ffmpeg on the PATH (Debian: apt-get install ffmpeg); "
                + "write .svg or .gif instead"
        case let .encoderFailed(path, status, message):
            return "-o \(path): ffmpeg failed with status \(status): \(message)"
        case let .notDrawable(environment):
            return "\(environment) cannot draw itself (it does not conform to Drawable)"
        case .emptyEpisode:
            return "an episode to render needs at least one frame"
        }
    }
}
