import ArgumentParser
import DuetBench
import DuetConfiguration
import DuetDistillation
import DuetEnvironments
import DuetExperiments
import DuetLearners

/// `duet bench`: times Duet's building blocks; the figures go in BENCHMARKS.md with the command that made them.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the numeric core, the environments and learner updates.",
        discussion: """
            Run release builds with one BLAS thread (OPENBLAS_NUM_THREADS=1) on an otherwise idle machine. \
            Each figure is the median over rounds; comparisons with the peers (Gymnasium, PyTorch) are made \
            by the scripts named in BENCHMARKS.md, in the same session.
            """,
        subcommands: [Core.self, Environments.self, Update.self, Distill.self, CheckpointWrite.self]
    )

    /// Options shared by every benchmark.
    struct Options: ParsableArguments {
        @Option(help: "Timed rounds per benchmark; the median round is reported.")
        var rounds: Int = 5

        @Flag(help: "Print a Markdown table (for BENCHMARKS.md) instead of aligned text.")
        var markdown = false

        func validate() throws {
            guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1, got \(rounds)") }
        }
    }

    /// `duet bench core`: matrix products, MLP forward and backward, batch-1 inference.
    struct Core: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time sgemm, MLP forward+backward and batch-1 inference.")
        @OptionGroup var options: Options
        func run() {
            for line in NumericsBenchmarks.environmentLines() { print(line) }
            BenchmarkReport.print(NumericsBenchmarks.run(rounds: options.rounds), markdown: options.markdown)
        }
    }

    /// `duet bench envs`: bare environment step loops.
    struct Environments: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "envs", abstract: "Time each environment's bare step loop (steps per second).")
        @OptionGroup var options: Options

        @Option(help: ArgumentHelp("Time only these environments, comma-separated. (default: all)", valueName: "ids"))
        var only: String?

        func validate() throws {
            let known = EnvironmentRegistry.all.map(\.identifier)
            if let unknown = chosen?.first(where: { !known.contains($0) }) {
                throw ValidationError("--only: unknown environment '\(unknown)' (accepted: \(known.joined(separator: ", ")))")
            }
        }

        private var chosen: [String]? {
            only.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { String($0) } }
        }

        func run() {
            let measurements = EnvironmentBenchmarks.run(rounds: options.rounds, only: chosen.map(Set.init))
            BenchmarkReport.print(measurements, markdown: options.markdown)
        }
    }
}

extension Bench {
    /// `duet bench update`: one full learner update step (replay sampling included).
    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time a full off-policy update step (sampling, critics, actor, targets).",
            discussion: """
                Compare with the PyTorch peer on the same shapes: \
                python3 scripts/reference/torch_updates.py --algorithm td3 --hidden 256,256 --batch 256 \
                --observation 3 --action 1 --updates 2000
                """
        )

        @OptionGroup var shape: LearnerShape

        @Option(help: "Transitions per update.")
        var batch: Int = 256

        @Flag(name: .customLong("layer-norm"), help: "Layer norm after each hidden layer (the reference DDPG).")
        var layerNorm = false

        @Option(help: "Timed updates.")
        var updates: Int = 2000

        @Flag(help: "Print a Markdown table row.")
        var markdown = false

        func validate() throws {
            guard batch >= 1, updates >= 5 else {
                throw ValidationError("--batch must be at least 1 and --updates at least 5")
            }
        }

        func run() {
            guard let algorithm = shape.chosenAlgorithm, let widths = shape.widths else { return }
            let measurement = UpdateBenchmarks.run(algorithm: algorithm, hidden: widths, batch: batch,
                                                   observation: shape.observation, action: shape.action,
                                                   layerNorm: layerNorm,
                                                   updates: updates)
            BenchmarkReport.print([measurement], markdown: markdown)
        }
    }
}

extension Bench {
    /// The learners' shape that `duet bench update` and `duet bench distill` time: the off-policy algorithm, the
    /// hidden widths of its actor and critics, and the observation and action dimensions.
    struct LearnerShape: ParsableArguments {
        @Option(help: "The learners' algorithm: ddpg, td3 or sac (off-policy; time PPO with `duet train experiments/pendulum-ppo.yaml`).")
        var algorithm: String = "td3"

        @Option(help: "Hidden widths, comma-separated.")
        var hidden: String = "256,256"

        @Option(help: "Observation dimension.")
        var observation: Int = 3

        @Option(help: "Action dimension.")
        var action: Int = 1

        func validate() throws {
            guard chosenAlgorithm != nil else {
                throw ValidationError("--algorithm must be one of ddpg, td3, sac, got '\(algorithm)'")
            }
            guard widths != nil else {
                throw ValidationError("--hidden must be positive integers separated by commas, e.g. 256,256; got '\(hidden)'")
            }
            guard observation >= 1, action >= 1 else {
                throw ValidationError("--observation and --action must be at least 1")
            }
        }

        /// The algorithm, when it is an off-policy one.
        var chosenAlgorithm: LearnerAlgorithm? {
            LearnerAlgorithm(rawValue: algorithm).flatMap { $0.isOffPolicy ? $0 : nil }
        }

        /// `--hidden` as widths, or nil when it is not a comma-separated list of positive integers.
        var widths: [Int]? {
            let parts = hidden.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
            return parts.compactMap { $0 }
        }
    }
}

extension Bench {
    /// `duet bench distill`: one distillation step between two off-policy learners, prepared and applied.
    struct Distill: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time a distillation step between two learners (prepare, apply, and the whole step).",
            discussion: """
                Prepare draws the states from the peer's buffer and evaluates both policies and values there \
                (the weights from ξ); apply takes the learner's actor step. Set it against `duet bench update` with \
                the same widths: a distilling peer pays one step per `distillation.every` updates, e.g. \
                duet bench update --hidden 400,300 --batch 256 and duet bench distill --hidden 400,300 --batch 64 \
                for experiments/pendulum-td3-pair.yaml.
                """
        )

        @OptionGroup var shape: LearnerShape

        @Option(help: "Distillation states per step (distillation.batchSize).")
        var batch: Int = 64

        @Option(help: "Timed steps.")
        var steps: Int = 2000

        @Option(help: "What the step minimises (distillation.objective): actions, relations, layer-relations, or kl (soft targets; SAC only).")
        var objective: String = "actions"

        @Option(name: .customLong("relation-features"),
                help: "With --objective relations: what the relations compare, actions or hidden (distillation.relations.features).")
        var relationFeatures: String = "actions"

        @Flag(help: "Print Markdown table rows.")
        var markdown = false

        func validate() throws {
            guard let kind = DistillationObjectiveKind(rawValue: objective) else {
                throw ValidationError("--objective must be one of \(DistillationObjectiveKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(objective)'")
            }
            if kind == .kl, shape.chosenAlgorithm != .sac {
                throw ValidationError("--objective kl needs stochastic learners: give --algorithm sac")
            }
            guard RelationFeatures(rawValue: relationFeatures) != nil else {
                throw ValidationError("--relation-features must be actions or hidden, got '\(relationFeatures)'")
            }
            if relationFeatures != "actions", kind != .relations {
                throw ValidationError("--relation-features applies only with --objective relations")
            }
            guard batch >= 1, steps >= 5 else {
                throw ValidationError("--batch must be at least 1 and --steps at least 5")
            }
        }

        func run() {
            guard let algorithm = shape.chosenAlgorithm, let widths = shape.widths,
                  let objective = DistillationObjectiveKind(rawValue: objective),
                  let relationFeatures = RelationFeatures(rawValue: relationFeatures) else { return }
            let measurements = DistillationBenchmarks.run(algorithm: algorithm, hidden: widths, batch: batch,
                                                          observation: shape.observation, action: shape.action,
                                                          steps: steps,
                                                          objective: objective, relationFeatures: relationFeatures)
            BenchmarkReport.print(measurements, markdown: markdown)
        }
    }
}

/// `duet demo`: the built-in demonstration of the numeric core (the Quickstart's main job for now).
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a small network to sin(3x) with Adam and print its loss falling.")

    @Option(help: "Root seed of the run's random streams.")
    var seed: UInt64 = 0

    @Option(help: "Adam steps.")
    var steps: Int = 3000

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1, got \(steps)") }
    }

    func run() {
        FitDemonstration.run(seed: seed, steps: steps) { Swift.print($0) }
    }
}

extension Bench {
    /// `duet bench checkpoint`: the size and write time of a real checkpoint.
    struct CheckpointWrite: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "Time writing and reading an experiment's checkpoint with a full replay buffer.",
            discussion: """
                Each peer first collects --transitions random-action steps (no learning), so its replay buffer \
                holds exactly that many transitions; then the checkpoint is written and read --rounds times in \
                a temporary folder. A run's own checkpoint time is in its timing.json (checkpointSeconds).
                """
        )

        @Argument(help: "The experiment file, e.g. experiments/pendulum-td3.yaml.")
        var config: String

        @Option(help: "Transitions per peer in the replay buffer.")
        var transitions: Int = 1_000_000

        @OptionGroup var options: Options

        func validate() throws {
            guard transitions >= 1 else { throw ValidationError("--transitions must be at least 1, got \(transitions)") }
        }

        func run() throws {
            let configuration = try ConfigurationFile.load(ExperimentConfiguration.self, from: config)
            let measurement = try CheckpointBenchmark.run(configuration, transitions: transitions,
                                                          rounds: options.rounds)
            print("checkpoint of \(config) with \(transitions) transitions per peer: "
                  + String(format: "%.1f MB, write %.3f s, read %.3f s (median of %d)",
                           Double(measurement.bytes) / 1e6, measurement.writeSeconds, measurement.readSeconds,
                           options.rounds))
        }
    }
}
