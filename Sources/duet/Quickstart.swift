import ArgumentParser
import DuetExperiments
import Foundation

/// `duet quickstart`: the main job — the default distillation study from start to finished figure.
struct Quickstart: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the default study: a TD3 pair on Pendulum-v1, distillation on vs off, over 10 seeds.",
        discussion: """
            Runs `duet ablate experiments/quickstart.yaml` over the seeds into runs/quickstart, then prints the \
            summary table and \
            writes summary.txt, curves.csv, curves.svg and distillation.svg into that folder. About a minute \
            on two cores. Run it again after an interruption and it continues the same study (finished runs \
            are skipped, unfinished ones resumed); a runs/quickstart made with other settings is left alone \
            and the study goes to runs/quickstart-2, -3, ... instead.
            """
    )

    @Option(help: "The experiment file.")
    var config: String = "experiments/quickstart.yaml"

    @Option(help: "Seeds: a list of seeds and ranges.")
    var seeds: String = "0-9"

    @Option(help: "Environment steps per learner (overrides the file's 'steps').")
    var steps: Int?

    @Flag(inversion: .prefixedNo,
          help: "Portable reproducibility: OpenBLAS's Haswell kernels, so that any x86-64 CPU with AVX2 and FMA prints the README's table (--no-portable: this CPU's fastest kernels).")
    var portable = true

    @Option(help: "Folder for the study (default: the first free runs/quickstart, runs/quickstart-2, ...).")
    var out: String?

    func run() throws {
        let stepArguments = steps.map { ["--steps", String($0)] } ?? []
        let folder = try out ?? Self.studyFolder("runs/quickstart") { candidate in
            try AblationPlan(configurationPath: config, seeds: AblationPlan.seeds(from: seeds), output: candidate,
                             overrides: steps.map { ["steps=\($0)"] } ?? [], includeSingle: false, overwrite: false)
        }
        let ablate = try Ablate.parse([config, "--seeds", seeds, "--out", folder] + stepArguments)
        try ablate.run()
        print("")
        let table = try Summarize.parse([folder])
        try table.run()
        let summary = try Summarize.parse([folder, "-o", "\(folder)/summary.txt"])
        try summary.run()
        let export = try Export.parse([folder, "-o", "\(folder)/curves.csv"])
        try export.run()
        let curves = try Plot.parse([folder, "-o", "\(folder)/curves.svg", "--title",
                                     "Pendulum-v1: TD3 pair with and without distillation"])
        try curves.run()
        let diagnostics = try Plot.parse(["--distillation", folder, "-o", "\(folder)/distillation.svg"])
        try diagnostics.run()
        print("""

            The study is in \(folder)/: summary.txt (the table above), curves.csv (aggregated reward curves), \
            curves.svg (learning curves with 95% bootstrap bands) and distillation.svg (action distance and \
            fraction of disadvantageous states). See README.md, "Reading the results".
            """)
    }

    /// `base`, or `base-2`, `base-3`, ... : the first that does not exist or holds this very study (which is
    /// then continued: finished runs skipped, unfinished ones resumed).
    static func studyFolder(_ base: String, plan: (String) throws -> AblationPlan) throws -> String {
        var candidate = base
        var suffix = 2
        while FileManager.default.fileExists(atPath: candidate) {
            do {
                _ = try plan(candidate)
                return candidate
            } catch is RunFolderError {
                candidate = "\(base)-\(suffix)"
                suffix += 1
            }
        }
        return candidate
    }
}
