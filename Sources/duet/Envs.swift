import ArgumentParser
import Foundation
import DuetEnvironments
import DuetRandom
import DuetRender

/// `duet envs`: list, describe, trace and render the registered environments. Parsing only; the work is in
/// DuetEnvironments (`EnvironmentRegistry`, `EnvironmentTrace`) and DuetRender (`Episode`, `EpisodeFile`).
struct Envs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, describe, trace and render the environments.",
        discussion: "Each environment's specification is envs/<identifier>.md.",
        subcommands: [List.self, Describe.self, Trace.self, Render.self]
    )

    /// `duet envs list`: one line per registered environment.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the environments: identifier, observation and action dimensions, episode length.")

        func run() {
            for line in EnvironmentRegistry.listing() { print(line) }
        }
    }

    /// `duet envs describe ID`: spaces, state, reward, start and end of one environment.
    struct Describe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe an environment: its spaces, state, reward, start state and episode end.")

        @Argument(help: "The environment's identifier, e.g. Pendulum-v1 (see `duet envs list`).")
        var identifier: String

        func run() throws {
            for line in try EnvironmentRegistry.registration(identifier).describe() { print(line) }
        }
    }

    /// `duet envs trace ID`: replays actions and prints the transitions as CSV.
    struct Trace: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay actions in an environment and print the transitions as CSV.",
            discussion: """
                Output: the header step,obs_0,...,reward,terminated,truncated,state_0,... and one row per step \
                (step counts from 1; state_* is the internal state after the step), until the episode \
                terminates, is truncated, or the actions run out. The run's random streams descend from \
                --seed: 'environment' for the reset and the steps, 'actions' for --random.
                """)

        @Argument(help: "The environment's identifier, e.g. Pendulum-v1 (see `duet envs list`).")
        var identifier: String

        @Option(parsing: .unconditional,
                help: ArgumentHelp("Start from this internal state instead of a reset draw, e.g. 3.14,0.",
                                   discussion: "Comma-separated, in the order of Gymnasium's env.unwrapped.state, "
                                       + "or qpos then qvel for the MuJoCo tasks (listed by `duet envs describe`).",
                                   valueName: "v1,v2,..."))
        var state: String?

        @Option(help: "Root seed of the trace's random streams.")
        var seed: UInt64 = 0

        @Option(help: ArgumentHelp("A CSV file with one action per row (no header, or the header a_0,...).",
                                   valueName: "file"))
        var actions: String?

        @Option(help: ArgumentHelp("Step this many uniformly random actions drawn from the seed.", valueName: "n"))
        var random: Int?

        func validate() throws {
            switch (actions, random) {
            case (nil, nil): throw ValidationError("give the actions: --actions <file> or --random <n>")
            case (.some, .some): throw ValidationError("give either --actions or --random, not both")
            default: break
            }
            if let random, random < 0 { throw ValidationError("--random must be at least 0, got \(random)") }
        }

        func run() throws {
            let registration = try EnvironmentRegistry.registration(identifier)
            let initialState = try state.map { try EnvironmentTrace.parseNumbers($0, what: "--state") }
            let source: EnvironmentTrace.Actions
            if let actions {
                source = .table(try EnvironmentTrace.readActions(path: actions,
                                                                 dimension: registration.actionDimension))
            } else {
                source = .random(count: random ?? 0)
            }
            try EnvironmentTrace.run(registration, initialState: initialState, seed: seed, actions: source) {
                print($0)
            }
        }
    }

    /// `duet envs render ID`: random-policy episodes drawn as an animation.
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw random-policy episodes as an animated SVG, a GIF or an MP4.",
            discussion: """
                Each episode starts from a reset and runs until it ends, --steps steps, or the time limit, with \
                uniformly random actions; --random N draws N episodes side by side. Episode i (from 1) takes its \
                random streams from child 'episode i' of --seed: 'environment' for the reset and the steps, \
                'actions' for the actions. The file's extension picks the format: .svg plays in a browser (one \
                frame per state), .gif and .mp4 keep frames at least 1/50 s apart; .mp4 needs ffmpeg on the PATH.
                """)

        @Argument(help: "The environment's identifier, e.g. Pendulum-v1 (see `duet envs list`).")
        var identifier: String

        @Option(help: ArgumentHelp("Draw this many random-policy episodes, side by side.", valueName: "n"))
        var random: Int = 1

        @Option(help: "Root seed of the episodes' random streams.")
        var seed: UInt64 = 0

        @Option(help: ArgumentHelp("Stop each episode after this many steps (default: the time limit).",
                                   valueName: "k"))
        var steps: Int?

        @Option(name: [.customShort("o"), .customLong("output")],
                help: ArgumentHelp("The file to write: .svg, .gif or .mp4 (default: <identifier>.svg).",
                                   valueName: "file"))
        var output: String?

        @Option(help: ArgumentHelp("Height of the picture, pixels.", valueName: "pixels"))
        var height: Int = 320

        func validate() throws {
            if !(1...8).contains(random) { throw ValidationError("--random must be 1 to 8, got \(random)") }
            if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
            if !(32...2160).contains(height) { throw ValidationError("--height must be 32 to 2160, got \(height)") }
        }

        func run() throws {
            let registration = try EnvironmentRegistry.registration(identifier)
            let path = output ?? "\(identifier).svg"
            _ = try EpisodeFormat(path: path)
            let root = RandomStream(seed: seed)
            let episodes = try (1...random).map { index -> Episode in
                let streams = root.child("episode \(index)")
                let environment = registration.make()
                return try Episode.record(
                    environment, policy: Episode.randomPolicy(in: environment.actionSpace,
                                                              using: streams.child("actions")),
                    maximumSteps: steps ?? registration.maximumEpisodeSteps, using: streams.child("environment"))
            }
            let labels = random == 1 ? [] : (1...random).map { "episode \($0)" }
            let summary = try EpisodeFile.write(episodes, labels: labels, to: path, panelHeight: height)
            let returns = episodes.map { String(format: "%.2f", $0.totalReward) }.joined(separator: ", ")
            print("wrote \(path): \(summary.frameCount) frames, \(summary.width) × \(summary.height) px, "
                  + "\(summary.byteCount) bytes; return \(returns)")
        }
    }
}
