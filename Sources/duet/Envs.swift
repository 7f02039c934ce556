import ArgumentParser
import DuetEnvironments

/// `duet envs`: list, describe and trace the registered environments. Parsing only; the work is in
/// DuetEnvironments (`EnvironmentRegistry`, `EnvironmentTrace`).
struct Envs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, describe and trace the environments.",
        discussion: "Each environment's specification is envs/<identifier>.md.",
        subcommands: [List.self, Describe.self, Trace.self]
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
}
