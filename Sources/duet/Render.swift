import ArgumentParser
import DuetEnvironments
import DuetExperiments
import DuetRender
import Foundation

/// `duet render RUN`: episodes of a run's kept policy drawn as an animation, alone or side by side with the run's
/// other peers or with another run. Parsing only; the work is in DuetExperiments (`PolicyRun`,
/// `PolicyEpisodes`) and DuetRender (`Episode`, `EpisodeFile`).
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw episodes of a trained policy as an animated SVG, a GIF or an MP4.",
        discussion: """
            Plays --episodes episodes of a peer's kept policy (deterministic actions) and draws them side by \
            side, each panel labelled with its peer and return (--frame k: only the state after step k, a still \
            picture to convert to PNG with rsvg-convert). --side-by-side draws every peer of RUN; a \
            second run RUN2 (say distillation off beside on) draws the same peer of both runs. The episodes \
            are those `duet evaluate` plays with the same seed: one after another on the stream \
            learner<i>/evaluation of root seed --seed (default: each run's own seed). The file's extension \
            picks the format, as for `duet envs render`: .svg plays in a browser (one frame per state), .gif \
            and .mp4 keep frames at least 1/50 s apart; .mp4 needs ffmpeg on the PATH. At most 8 panels.
            """)

    @Argument(help: ArgumentHelp("The run folder, e.g. runs/pendulum-td3/seed-0.", valueName: "run"))
    var runFolder: String

    @Argument(help: ArgumentHelp("A second run folder to draw beside the first (e.g. the distill-off run of the same "
                                 + "seed).", valueName: "run2"))
    var otherRun: String?

    @Option(help: ArgumentHelp("The peer i, whose policies are in learner<i>/ (default: the first).", valueName: "i"))
    var peer: Int?

    @Option(help: ArgumentHelp("Which kept policy: final or best.", valueName: "final|best"))
    var policy: String = "final"

    @Option(help: ArgumentHelp("Episodes per policy.", valueName: "n"))
    var episodes: Int = 1

    @Option(help: "Root seed of the episodes' streams (default: each run's seed).")
    var seed: UInt64?

    @Flag(help: "Draw every peer of RUN side by side.")
    var sideBySide = false

    @Option(help: ArgumentHelp("Stop each episode after this many steps (default: the time limit).",
                               valueName: "k"))
    var steps: Int?

    @Option(help: ArgumentHelp("Draw only the state after step k of each episode (0: the reset), a still picture.",
                               valueName: "k"))
    var frame: Int?

    @Option(name: [.customShort("o"), .customLong("output")],
            help: ArgumentHelp("The file to write: .svg, .gif or .mp4.", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("Height of the picture, pixels.", valueName: "pixels"))
    var height: Int = 320

    @Flag(help: "Portable reproducibility (use it when the run was trained with --portable).")
    var portable = false

    func validate() throws {
        if !(1...8).contains(episodes) { throw ValidationError("--episodes must be 1 to 8, got \(episodes)") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if let frame, frame < 0 { throw ValidationError("--frame must be at least 0, got \(frame)") }
        if !(32...2160).contains(height) { throw ValidationError("--height must be 32 to 2160, got \(height)") }
        if sideBySide, otherRun != nil {
            throw ValidationError("--side-by-side draws the peers of one run; with a second run, leave it out")
        }
    }

    func run() throws {
        let choice = try PolicyChoice(parsing: policy)
        _ = try EpisodeFormat(path: output)
        var sources: [PolicyRun] = []
        if sideBySide {
            let first = try PolicyRun(path: runFolder, peer: peer, choice: choice)
            let peers = PolicyRun.peers(in: first.folder)
            guard peers.count >= 2 else {
                throw CommandError("--side-by-side: \(runFolder) has one peer (learner\(first.peer)); "
                                   + "give a second run to draw beside it")
            }
            sources = try peers.map { try PolicyRun(path: runFolder, peer: $0, choice: choice) }
        } else {
            sources = [try PolicyRun(path: runFolder, peer: peer, choice: choice)]
            if let otherRun { sources.append(try PolicyRun(path: otherRun, peer: peer, choice: choice)) }
        }
        guard sources.count * episodes <= 8 else {
            throw CommandError("--episodes \(episodes): \(sources.count) policies × \(episodes) episodes is more "
                               + "than 8 panels; accepted: at most \(8 / sources.count) episodes")
        }
        let registration = try sources[0].environment()
        for source in sources.dropFirst() where try source.environment().identifier != registration.identifier {
            throw CommandError("\(source.folder.path): trained on \(source.configuration.env), "
                               + "not \(registration.identifier); runs drawn side by side share their environment")
        }

        var episodesDrawn: [Episode] = []
        var labels: [String] = []
        for source in sources {
            let saved = source.record.policy
            let stream = source.evaluationStream(seed: seed)
            let prefix = (otherRun == nil ? "" : Self.arm(of: source) + " ")
                + (sources.count > 1 ? source.peerName + " " : "") + saved.algorithm.name
            for index in 0..<episodes {
                let environment = registration.make()
                let space = environment.actionSpace
                var episode = try Episode.record(
                    environment, policy: { PolicyEpisodes.environmentAction(saved, for: $0, mode: .deterministic, in: space) },
                    maximumSteps: steps ?? registration.maximumEpisodeSteps, using: stream)
                if let frame { episode.drawings = [episode.drawings[min(frame, episode.drawings.count - 1)]] }
                episodesDrawn.append(episode)
                labels.append(prefix + (episodes > 1 ? " episode \(index + 1)" : "")
                              + (frame.map { " step \(min($0, episode.rewards.count))" } ?? "")
                              + ": return " + String(format: "%.1f", episode.totalReward))
            }
        }
        let summary = try EpisodeFile.write(episodesDrawn, labels: labels, to: output, panelHeight: height)
        let returns = episodesDrawn.map { String(format: "%.2f", $0.totalReward) }.joined(separator: ", ")
        print("wrote \(output): \(summary.frameCount) frames, \(summary.width) × \(summary.height) px, "
              + "\(summary.byteCount) bytes; return \(returns)")
    }

    /// The run's arm in its `run.json` (`distill-on`, `distill-off`, ...), or its folder's name.
    static func arm(of source: PolicyRun) -> String {
        let url = source.folder.appendingPathComponent("run.json")
        guard let data = FileManager.default.contents(atPath: url.path),
              let record = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let arm = record["arm"] as? String else { return source.folder.lastPathComponent }
        return arm
    }
}
