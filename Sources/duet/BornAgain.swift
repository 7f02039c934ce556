import ArgumentParser
import DuetExperiments
import Foundation

/// `duet born-again`: born-again generations of one learner, each the next one's teacher.
struct BornAgain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "born-again",
        abstract: "Train born-again generations: generation k + 1 distils from generation k as its teacher.",
        discussion: """
            Generation 0 is the file's learner: trained alone; generations 1 ... G are the same learner, with \
            the same seed (same initial weights and environment streams), trained with the previous \
            generation's final checkpoint as teacher (distillation.teacher; the file's distillation block, if \
            any, sets the weighting, objective, batch size and the rest). Writes OUT/generation-0 ... \
            OUT/generation-G, each a run folder whose arm is its generation, so `duet summarize OUT` compares \
            them. Rerunning the command keeps finished generations and resumes an unfinished one.
            """
    )

    @Argument(help: "The experiment file (YAML) of the learner, e.g. experiments/pendulum-td3.yaml.")
    var config: String

    @Option(help: "G, the generations of students after generation 0 (at least 1).")
    var generations: Int

    @Option(help: "Root seed of every generation.")
    var seed: UInt64 = 0

    @Option(help: "Folder of the generations (default: runs/<experiment name>-born-again/seed-<seed>).")
    var out: String?

    @Option(help: "Environment steps per generation (overrides the file's 'steps').")
    var steps: Int?

    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("Override a key of the file for every generation (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    func validate() throws {
        if generations < 1 { throw ValidationError("--generations must be at least 1, got \(generations)") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
    }

    func run() throws {
        let session = BornAgainSession(configurationPath: config,
                                       overrides: overrides + (steps.map { ["steps=\($0)"] } ?? []), seed: seed,
                                       generations: generations, output: out, duetVersion: DuetVersion.number)
        StopSignals.install()
        do {
            _ = try session.run(progress: ProgressLine(), stopRequested: StopSignals.requested) { generation in
                let result = generation.finalEvaluation.map { String(format: "final evaluation %.1f", $0) }
                    ?? "no evaluation"
                print("generation \(generation.index): \(generation.folder.path) (\(result)"
                      + (generation.wasFinished ? ", already finished)" : ")"))
            }
        } catch let stopped as TrainingStopped {
            throw CommandError("\(session.folder.path): \(stopped); rerun the same command to continue")
        }
    }
}
