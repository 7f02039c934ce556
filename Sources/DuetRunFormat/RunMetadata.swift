import Foundation

/// What `run.json` records besides the resolved configuration: enough to tell what produced a run folder.
/// Its keys are ``RunFormat/RunKey``'s, in that order.
///
/// It holds no wall-clock figures (those go to `timing.json`), so two runs with the same configuration and seed
/// write byte-identical `run.json` files on the same commit.
public struct RunMetadata: Encodable, Sendable, Equatable {
    /// The arm of the study, e.g. `distill-on`, `distill-off` or `single` (grouping key for summaries).
    public var arm: String
    /// The root seed of the run's random streams.
    public var seed: UInt64
    /// The environment identifier.
    public var env: String
    /// The number of learners k (1 for a single learner).
    public var learners: Int
    /// The experiment file the run was made from.
    public var configurationFile: String
    /// Duet's version.
    public var duetVersion: String
    /// The git commit of the working tree the command ran in (`unknown` outside a repository; `-dirty` when
    /// the tree had uncommitted changes).
    public var gitCommit: String

    /// Writes the fields under ``RunFormat/RunKey``'s names.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: RunFormat.RunKey.self)
        try container.encode(arm, forKey: .arm)
        try container.encode(seed, forKey: .seed)
        try container.encode(env, forKey: .env)
        try container.encode(learners, forKey: .learners)
        try container.encode(configurationFile, forKey: .configurationFile)
        try container.encode(duetVersion, forKey: .duetVersion)
        try container.encode(gitCommit, forKey: .gitCommit)
    }

    /// Creates the record.
    public init(arm: String, seed: UInt64, env: String, learners: Int, configurationFile: String,
                duetVersion: String, gitCommit: String) {
        self.arm = arm
        self.seed = seed
        self.env = env
        self.learners = learners
        self.configurationFile = configurationFile
        self.duetVersion = duetVersion
        self.gitCommit = gitCommit
    }

    /// The commit of the git repository containing the current directory, or `unknown`.
    public static func currentGitCommit() -> String {
        guard let head = runGit(["rev-parse", "HEAD"]), !head.isEmpty else { return "unknown" }
        let status = runGit(["status", "--porcelain", "--untracked-files=no"]) ?? ""
        return status.isEmpty ? head : head + "-dirty"
    }

    private static func runGit(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The run's record in `run.json`: metadata and the resolved configuration.
public struct RunRecord<Configuration: Encodable & Sendable>: Encodable, Sendable {
    /// Who, what and where.
    public var metadata: RunMetadata
    /// The configuration after defaults and overrides.
    public var configuration: Configuration

    /// Creates the record.
    public init(metadata: RunMetadata, configuration: Configuration) {
        self.metadata = metadata
        self.configuration = configuration
    }

    /// Writes the metadata's keys at the top level and the configuration under `configuration`.
    public func encode(to encoder: any Encoder) throws {
        // The metadata's keys sit at the top level next to `configuration`, so tools read `arm`, `seed` and
        // `env` directly.
        try metadata.encode(to: encoder)
        var container = encoder.container(keyedBy: RunFormat.RunKey.self)
        try container.encode(configuration, forKey: .configuration)
    }
}

/// Wall-clock figures of a run, kept apart from the learning logs (`timing.json`).
public struct RunTiming: Encodable, Sendable {
    /// Seconds from the start of training to its end.
    public var elapsedSeconds: Double
    /// Environment steps per second, all learners together.
    public var stepsPerSecond: Double
    /// Environment steps taken, all learners together.
    public var steps: Int

    /// For a resumed run, the steps (all learners together) taken before this session; the figures above are
    /// this session's. Absent for a run trained in one go.
    public var resumedAtSteps: Int?
    /// Checkpoints written in this session (absent when the run does not checkpoint).
    public var checkpoints: Int?
    /// Seconds of ``elapsedSeconds`` spent writing them.
    public var checkpointSeconds: Double?
    /// Creates the record.
    public init(elapsedSeconds: Double, stepsPerSecond: Double, steps: Int, resumedAtSteps: Int? = nil) {
        self.elapsedSeconds = elapsedSeconds
        self.stepsPerSecond = stepsPerSecond
        self.steps = steps
        self.resumedAtSteps = resumedAtSteps
    }
}

/// What `status.json` says about a run: whether it is running, finished, stopped (by a signal, after a
/// checkpoint) or failed (with the error), and the step of its last complete checkpoint. `duet resume`, `duet
/// ablate` and the Quickstart read it to skip finished runs and continue the others.
public struct RunStatus: Codable, Sendable, Equatable {
    /// The run's state.
    public enum State: String, Codable, Sendable {
        /// Training, or killed while training (a killed process cannot update its status).
        case running
        /// Every step taken; the final checkpoint is the trained model.
        case finished
        /// Stopped by SIGINT or SIGTERM after writing a checkpoint; `duet resume` continues it.
        case stopped
        /// Stopped by an error (``error``); `duet resume` continues from the last good checkpoint.
        case failed
    }

    /// The run's state.
    public var state: State
    /// Environment steps per peer at the last complete checkpoint (0 before the first).
    public var checkpointStep: Int
    /// The error that stopped a failed run.
    public var error: String?

    /// Creates a status record.
    public init(state: State, checkpointStep: Int, error: String? = nil) {
        self.state = state
        self.checkpointStep = checkpointStep
        self.error = error
    }

    /// The `status.json` of the run folder `folder`, if it has a readable one.
    public static func read(inFolder folder: URL) -> RunStatus? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(RunFormat.statusFile).path)
        else { return nil }
        return try? JSONDecoder().decode(RunStatus.self, from: data)
    }
}
