import ArgumentParser
import DuetExperiments
import Foundation

/// `duet ablate`: the same peers with distillation on and off over many seeds, in parallel processes; a preset
/// of `duet sweep` (no grid, the arms on,off and optionally single) with its own folder layout and output.
struct Ablate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train peers with distillation on and off over many seeds, in parallel processes.",
        discussion: """
            Runs `duet train` once per arm and seed, at most --jobs at a time, into \
            <out>/distill-on/seed-<n> and <out>/distill-off/seed-<n> (and <out>/single/seed-<n> with --single: \
            the file's first learner alone with k times the steps for k peers, the paper's budget comparison). Everything is checked \
            before the first run starts: the file, the seeds, and that every existing run folder holds the same \
            run; finished runs are skipped and unfinished ones resumed from their checkpoints, so rerunning \
            the same command after a crash or Ctrl-C continues the study. Then summarise with \
            `duet summarize <out>` and plot with `duet plot <out> -o curves.svg`.
            """
    )

    @Argument(help: "The experiment file; it must have a distillation block.")
    var config: String

    @Option(help: "Seeds: a list of seeds and ranges, e.g. 0-9 or 1,3,5.")
    var seeds: String = "0-4"

    @Option(help: "Runs at a time (default: 2 for the alternate schedule, 1 for lockstep, which uses two cores per run).")
    var jobs: Int?

    @Option(help: "Folder for the arms (default: runs/<experiment name>-ablation).")
    var out: String?

    @Option(help: "Environment steps per learner (overrides the file's 'steps').")
    var steps: Int?

    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("Override a key of the file in every run (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Flag(name: .customLong("single"), help: "Add a third arm: the first learner alone with k times the steps.")
    var includeSingle = false

    @Flag(help: "Replace run folders that exist.")
    var overwrite = false

    @Flag(help: "Portable reproducibility: OpenBLAS's Haswell kernels on any x86-64 CPU with AVX2 and FMA, so the same seed gives the same logs on every such machine (applied at start-up; see README, Reproducibility).")
    var portable = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
    }

    func run() throws {
        let allOverrides = overrides + (steps.map { ["steps=\($0)"] } ?? [])
        let plan = try AblationPlan(configurationPath: config, seeds: AblationPlan.seeds(from: seeds), output: out,
                                    overrides: allOverrides, includeSingle: includeSingle, overwrite: overwrite)
        let configuration = try ConfigurationFile.load(ExperimentConfiguration.self, from: config,
                                                       overrides: allOverrides)
        let parallelJobs = jobs ?? (configuration.distillation?.schedule == .lockstep ? 1 : 2)
        SweepSignals.install()
        let pending = plan.runs.filter { !$0.isFinished }
        let finished = plan.runs.count - pending.count
        let resuming = pending.filter { $0.arguments.first == "resume" }.count
        print("Training \(pending.count) runs, \(parallelJobs) at a time, into \(plan.output)/"
              + (finished > 0 ? " (\(finished) already finished)" : "")
              + (resuming > 0 ? " (\(resuming) resumed from their checkpoints)" : ""))
        let jobs = pending.enumerated().map { SweepPool.Job(index: $0.offset, arguments: $0.element.arguments) }
        let outcomes = try SweepPool.run(executable: "/proc/self/exe", jobs: jobs, workers: parallelJobs,
                                         stopRequests: SweepSignals.count) { outcome, _ in
            let run = pending[outcome.index]
            let verdict = outcome.status == 0 ? "done" : "FAILED: \(outcome.lastErrorLine)"
            print("  \(run.arm) seed \(run.seed): \(verdict)  (\(run.folder))")
        }
        let failures = outcomes.filter { $0.status != 0 }.count + (pending.count - outcomes.count)
        if failures > 0 {
            throw CommandError("\(failures) of \(pending.count) runs failed; see the lines above (rerun the same "
                               + "command to resume them)")
        }
        print("All runs are in \(plan.output)/. Summarise with: duet summarize \(plan.output)")
    }
}
