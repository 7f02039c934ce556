import ArgumentParser
import DuetBench

/// `duet bench`: times Duet's building blocks; the figures go in BENCHMARKS.md with the command that made them.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time Duet's numeric core and environments.",
        discussion: """
            Run release builds with one BLAS thread (OPENBLAS_NUM_THREADS=1) on an otherwise idle machine. \
            Each figure is the median over rounds; comparisons with the peers (Gymnasium, PyTorch) are made \
            by the scripts named in BENCHMARKS.md, in the same session.
            """,
        subcommands: [Core.self, Environments.self]
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
        func run() { BenchmarkReport.print(NumericsBenchmarks.run(rounds: options.rounds), markdown: options.markdown) }
    }

    /// `duet bench envs`: bare environment step loops.
    struct Environments: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "envs", abstract: "Time each environment's bare step loop (steps per second).")
        @OptionGroup var options: Options
        func run() {
            BenchmarkReport.print(EnvironmentBenchmarks.run(rounds: options.rounds), markdown: options.markdown)
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
