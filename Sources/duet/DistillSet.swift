import ArgumentParser
import DuetDistillation
import DuetEnvironments
import DuetExperiments
import DuetRandom
import DuetResults
import Foundation

/// `duet distill-set RUN --states K`: compress a run's kept policy into K synthetic states with soft action labels,
/// and compare students trained on them with students trained on K real states. Parsing and reporting only; the
/// work is in DuetExperiments (`DistilledStateSetStudy`) and DuetDistillation (the student and the meta-gradient).
struct DistillSet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill-set",
        abstract: "Distil a trained policy into K synthetic states with soft action labels, and evaluate them.",
        discussion: """
            Plays --teacher-episodes deterministic episodes of a peer's kept policy and keeps its states and \
            actions. K of those states, labelled with the teacher's action and a standard deviation of 1, start \
            the synthetic set; --iterations Adam steps (--meta-learning-rate) on the exact meta-gradient then move \
            the states, the label means and the label deviations so that a fresh student (a tanh network with \
            --hidden layers, reading states standardised by the teacher states' mean and deviation) trained only \
            on them, by --steps steps of gradient descent with step size \
            --learning-rate on the labels' Gaussian negative log-likelihood, acts like the teacher on the teacher's \
            states (the meta-gradient differentiates through the whole unrolled training; each iteration draws a \
            new student; after each step the label means are clipped to [-1, 1] and the deviations to \
            [0.5, 2]; the set kept is the one that started the block of 25 iterations with the lowest mean \
            imitation loss). Then --students students are trained from the same initial weights on the learned set \
            and on K real teacher-labelled states drawn afresh, and play --episodes episodes each, as does the \
            teacher. Writes state-set.duet, distillation.csv (iteration,imitation_loss), evaluation.csv \
            (arm,student,mean_return,imitation_loss) and summary.txt into --out (default: \
            <run>/learner<i>/distill-set-K<K>-seed<seed>), which must not exist yet. Intervals: 95% percentile \
            bootstrap over the students (50,000 replicates from child 'distill-set bootstrap' of the seed).
            """)

    @Argument(help: ArgumentHelp("The run folder, e.g. runs/pendulum-ddpg/seed-0.", valueName: "run"))
    var runFolder: String

    @Option(help: ArgumentHelp("K, the synthetic states (1 to 100000).", valueName: "K"))
    var states: Int

    @Option(help: ArgumentHelp("The peer i, whose policies are in learner<i>/ (default: the first).", valueName: "i"))
    var peer: Int?

    @Option(help: ArgumentHelp("Which kept policy: final or best.", valueName: "final|best"))
    var policy: String = "final"

    @Option(help: ArgumentHelp("T, the student's gradient steps on the set.", valueName: "T"))
    var steps: Int = 500

    @Option(help: ArgumentHelp("η, the student's step size.", valueName: "η"))
    var learningRate: Double = 0.5

    @Option(help: ArgumentHelp("The student's hidden widths.", valueName: "w,w,…"))
    var hidden: String = "64,64"

    @Option(help: "The outer iterations: one meta-gradient and one Adam step each.")
    var iterations: Int = 500

    @Option(help: "Adam's step size on the states and labels.")
    var metaLearningRate: Double = 0.002

    @Option(help: ArgumentHelp("The teacher's episodes whose states are imitated.", valueName: "n"))
    var teacherEpisodes: Int = 5

    @Option(help: ArgumentHelp("Evaluation students per arm.", valueName: "n"))
    var students: Int = 5

    @Option(help: ArgumentHelp("Episodes per evaluation student (default: the run's evaluation.episodes).",
                               valueName: "n"))
    var episodes: Int?

    @Option(help: "Root seed of every stream (default: the run's seed).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("The folder to write (must not exist).", valueName: "dir"))
    var out: String?

    @Flag(help: "Portable reproducibility (use it when the run was trained with --portable).")
    var portable = false

    func run() throws {
        let widths = try checkedArguments()
        let choice = try PolicyChoice(parsing: policy)
        let trained = try PolicyRun(path: runFolder, peer: peer, choice: choice)
        let registration = try trained.environment()
        let root = seed ?? trained.seed
        let settings = DistilledStateSetSettings(
            states: states, hidden: widths, steps: steps, learningRate: learningRate, iterations: iterations,
            metaLearningRate: metaLearningRate, teacherEpisodes: teacherEpisodes, students: students,
            episodes: episodes ?? trained.configuration.evaluation.episodes, seed: root)
        let folder = URL(fileURLWithPath: out ?? trained.file.deletingLastPathComponent()
            .appendingPathComponent("distill-set-K\(states)-seed\(root)").path)
        try checkWritable(folder)

        let report = max(1, iterations / 10)
        let result = try DistilledStateSetStudy.run(
            trained.record.policy, teacherStep: trained.record.step, in: registration, settings: settings
        ) { iteration, loss in
            if (iteration + 1) % report == 0 || iteration == 0 {
                FileHandle.standardError.write(Data("iteration \(iteration + 1)/\(iterations): J \(Self.loss(loss))\n".utf8))
            }
        }
        let summary = Self.summary(result, settings: settings, run: trained, registration: registration)
        try write(result, summary: summary, to: folder)
        print(summary, terminator: "")
        print("wrote \(folder.path)")
    }

    /// The range checks, each a one-line error naming its flag; the student's hidden widths.
    func checkedArguments() throws -> [Int] {
        func check(_ isValid: Bool, _ message: String) throws { if !isValid { throw CommandError(message) } }
        try check((1...100_000).contains(states), "--states must be 1 to 100000, got \(states)")
        try check((0...100_000).contains(steps), "--steps must be 0 to 100000, got \(steps)")
        try check(learningRate > 0 && learningRate.isFinite, "--learning-rate must be positive, got \(learningRate)")
        try check((0...1_000_000).contains(iterations), "--iterations must be 0 to 1000000, got \(iterations)")
        try check(metaLearningRate > 0 && metaLearningRate.isFinite,
                  "--meta-learning-rate must be positive, got \(metaLearningRate)")
        try check((1...100_000).contains(teacherEpisodes), "--teacher-episodes must be 1 to 100000, got \(teacherEpisodes)")
        try check((1...10_000).contains(students), "--students must be 1 to 10000, got \(students)")
        if let episodes { try check((1...100_000).contains(episodes), "--episodes must be 1 to 100000, got \(episodes)") }
        let widths = hidden.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        try check(hidden.isEmpty || widths.allSatisfy { ($0 ?? 0) > 0 },
                  "--hidden \(hidden): give positive widths separated by commas, e.g. 64,64")
        return hidden.isEmpty ? [] : widths.compactMap { $0 }
    }

    /// Refuses an existing --out folder, or one whose parent cannot be written.
    func checkWritable(_ folder: URL) throws {
        guard !FileManager.default.fileExists(atPath: folder.path) else {
            throw CommandError("--out \(folder.path): already exists; remove it or choose another folder")
        }
        let parent = folder.deletingLastPathComponent().path
        guard FileManager.default.isWritableFile(atPath: parent) else {
            throw CommandError("--out \(folder.path): cannot write there (no such folder, or it is not writable)")
        }
    }

    /// Writes the four files into a hidden sibling folder, then renames it to `folder`: either all of them
    /// appear or none does.
    func write(_ result: DistilledStateSetResult, summary: String, to folder: URL) throws {
        let partial = folder.deletingLastPathComponent()
            .appendingPathComponent(".\(folder.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: false)
            try result.file.write(to: partial.appendingPathComponent(DistilledStateSetFile.fileName))
            var losses = "iteration,imitation_loss\n"
            for (index, loss) in result.losses.enumerated() { losses += "\(index + 1),\(CSVLog.format(loss))\n" }
            try losses.write(to: partial.appendingPathComponent("distillation.csv"), atomically: false, encoding: .utf8)
            var table = "arm,student,mean_return,imitation_loss\n"
            for row in result.rows {
                table += "\(row.arm.rawValue),\(row.student),\(CSVLog.format(Statistics.mean(row.returns))),"
                    + "\(CSVLog.format(row.imitationLoss))\n"
            }
            try table.write(to: partial.appendingPathComponent("evaluation.csv"), atomically: false, encoding: .utf8)
            try summary.write(to: partial.appendingPathComponent("summary.txt"), atomically: false, encoding: .utf8)
            try FileManager.default.moveItem(at: partial, to: folder)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw CommandError("--out \(folder.path): cannot write the folder (\(error))")
        }
    }

    /// The report: the setting, then per arm the students' mean return with its interval and the imitation loss,
    /// and the paired difference synthetic − real.
    static func summary(_ result: DistilledStateSetResult, settings: DistilledStateSetSettings, run: PolicyRun,
                        registration: EnvironmentRegistration) -> String {
        let student = result.file.student
        var text = "\(run.peerName) \(run.choice.rawValue) policy (\(run.record.policy.algorithm.name.uppercased()), "
            + "kept at step \(run.record.step)) on \(registration.identifier), seed \(settings.seed): "
            + "K = \(settings.states) states from \(result.teacherStateCount) teacher states "
            + "(\(settings.teacherEpisodes) episodes)\n"
        text += "student \(student.widths.map(String.init).joined(separator: "-")) (ReLU, tanh output, standardised inputs), "
            + "T = \(student.steps) steps, η = \(student.learningRate); \(settings.iterations) outer iterations, "
            + "Adam \(settings.metaLearningRate), labels in [-1, 1] with s in [0.5, 2]\n"
        let blocks = stride(from: 0, to: result.losses.count, by: result.block).map { start in
            Statistics.mean(Array(result.losses[start..<min(start + result.block, result.losses.count)]))
        }
        if let first = blocks.first, let last = blocks.last {
            text += "imitation loss J of the outer loop's students, mean per block of \(result.block): first "
                + "\(loss(first)), kept set's (after \(result.keptIteration) steps) "
                + "\(loss(blocks[result.keptIteration / result.block])), last \(loss(last))\n"
        }
        text += "\(settings.students) students per arm, \(settings.episodes) episodes each; 95% percentile bootstrap "
            + "over the students\n\n"
        text += [padded("arm", 18), "students", "mean return", padded("95% CI", 22), "imitation loss"]
            .joined(separator: "  ") + "\n"
        var source = RandomStream(seed: settings.seed).child("distill-set bootstrap")
        let bootstrap = StratifiedBootstrap()
        func line(_ name: String, _ values: [Double], _ imitation: String) -> String {
            let interval = bootstrap.interval(of: .mean, scores: [values], using: &source)
            let range = "[\(number(interval.lower)), \(number(interval.upper))]"
            let fields = [padded(name, 18), padded(String(values.count), 8, right: true),
                          padded(number(Statistics.mean(values)), 11, right: true), padded(range, 22), imitation]
            return fields.joined(separator: "  ") + "\n"
        }
        var means: [DistilledStateSetResult.Arm: [Double]] = [:]
        for arm in DistilledStateSetResult.Arm.allCases {
            let rows = result.rows.filter { $0.arm == arm }
            means[arm] = rows.map { Statistics.mean($0.returns) }
            text += line(arm.rawValue, means[arm] ?? [],
                         arm == .teacher ? "-" : loss(Statistics.mean(rows.map(\.imitationLoss))))
        }
        let synthetic = means[.synthetic] ?? [], real = means[.real] ?? []
        text += line("synthetic - real", zip(synthetic, real).map { $0 - $1 }, "(paired by student)")
        return text
    }

    /// `text` padded with spaces to `width` characters, on the left when `right`-aligned.
    static func padded(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }

    /// A return, two decimals.
    static func number(_ value: Double) -> String { String(format: "%.2f", value) }

    /// An imitation loss, four significant digits.
    static func loss(_ value: Double) -> String { String(format: "%.4g", value) }
}
