import ArgumentParser
import DuetExperiments
import DuetNumerics
import DuetResults
import DuetRunFormat
import Foundation

/// `duet summarize`: per-arm scores with bootstrap intervals, and each arm against a baseline. Parsing only; the
/// work is in DuetResults (`ScoreSet`, `Summary`).
struct Summarize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Per-arm scores with bootstrap intervals, and each arm against a baseline arm.",
        discussion: """
            Each run gets one score from its evaluation curve (--metric). Runs are grouped by task and arm \
            (run.json's "env" and "arm"); per group: the number of runs, mean, median, IQM (interquartile mean) \
            with its stratified-bootstrap interval and, for normalised scores, the optimality gap. Every other arm \
            is compared with the baseline arm (in a sweep with --arms, each setting's arms with that setting's \
            own distill-off), unpaired: P(X > Y), the probability that a run of arm X beats a run \
            of the baseline Y, and the difference of IQMs, each with its bootstrap interval, and Welch's t-test per \
            task; and paired by seed (runs of the two arms with the same seed, which in an ablation start from the \
            same weights): the mean and IQM of the per-seed differences X − Y with bootstrap intervals, and the \
            Wilcoxon signed-rank test per task (two-sided, as SciPy's wilcoxon with its defaults). Seeds present in \
            one arm only are listed and left out of the paired statistics. With normalised scores and several \
            tasks, rows '(all)' pool the tasks, with tasks as the bootstrap's strata, and have no tests.

            The intervals' random streams descend from --seed, so the same runs and seed give the same output. \
            Warnings about the runs (incomplete runs, learners evaluated at different steps) go to standard \
            error, one per line.

            Distillation score (after Alkhulaifi et al., PeerJ Comput. Sci. 2021), lower is better: DS = a·S + \
            (1 − a)·(1 − P), with S the student's policy parameters over its teacher's (the network tensors of \
            learner<k>/policy-final.duet) and P the student's normalised return over its teacher's, (R − \
            R_random)/(R_teacher − R_random) with the task's random return from the normalisation table. It is \
            shown per task and arm when runs name a teacher in run.json (configuration.distillation.teacher, its \
            learner distillation.teacherPeer), and, with --distillation-score, for every arm but the baseline, \
            runs without a teacher being scored against the baseline arm (its mean return; S from the policy \
            files, or 1 assumed for same-architecture peers). Each arm's score has a percentile-bootstrap \
            interval (--reps, --confidence) over its runs and, against the baseline arm, the baseline's runs. An \
            arm whose score cannot be computed (a teacher folder that no longer exists, a missing policy file) \
            gets a line 'score unavailable: <why>' and the rest of the summary is unchanged.

            \(RunSelection.normalisationHelp)
            """)

    /// What `--format` prints.
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case table, csv, json
    }

    /// Which table `--format csv` prints.
    enum Table: String, CaseIterable, ExpressibleByArgument {
        case arms, comparisons, paired, pairs, scores, keys, distillation
    }

    @OptionGroup var input: RunSelection

    @Option(help: ArgumentHelp(
        "A run's score: final (the last evaluation's return), auc (the mean evaluation return over training, a "
            + "normalised area under the curve) or best (the highest evaluation return)."))
    var metric: ScoreMetric = .final

    @Option(help: ArgumentHelp(
        "Runs that end before, or lack evaluation steps of, the other runs of their task: include them, scored "
            + "on the steps they have, or exclude them. Either way each is named in a warning."))
    var incomplete: IncompleteRunPolicy = .include

    @Option(help: ArgumentHelp(
        "Score every run on its evaluations at steps ≤ STEP only, as if it had stopped there: the score at a "
            + "budget (e.g. 300000 of a 1M study). Runs first evaluated after STEP are left out, with a warning. "
            + "Teacher runs of the distillation score keep their whole curves. (default: whole curves)",
        valueName: "STEP"))
    var until: Int?

    @Option(help: ArgumentHelp(
        "The arm the other arms are compared with. (default: distill-off if there is such an arm; else, in a "
            + "sweep with --arms, each setting's arms against that setting's own distill-off; else the first arm "
            + "in name order)", valueName: "arm"))
    var baseline: String?

    @Option(name: .customLong("optimality-threshold"), help: ArgumentHelp(
        "The optimality gap's target γ, in normalised units; needs normalised scores. (default: 1)",
        valueName: "γ"))
    var optimalityThreshold: Double?

    @Flag(name: .customLong("distillation-score"), help: ArgumentHelp(
        "Also give the distillation score of every arm but the baseline, scoring runs without a teacher against "
            + "the baseline arm (see above)."))
    var distillationScore = false

    @Option(name: .customLong("score-weight"), help: ArgumentHelp(
        "The distillation score's weight a of the size ratio, from 0 (performance only) to 1 (size only); implies "
            + "--distillation-score. (default: 0.5)", valueName: "a"))
    var scoreWeight: Double?

    @Option(help: ArgumentHelp("Bootstrap replicates per interval.", valueName: "n"))
    var reps: Int = StratifiedBootstrap.defaultReplicates

    @Option(help: ArgumentHelp("Confidence level of the intervals, between 0 and 1.", valueName: "level"))
    var confidence: Double = 0.95

    @Option(help: ArgumentHelp("Root seed of the intervals' random streams.", valueName: "n"))
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp(
        "The output: table (aligned text, with a header saying what the scores and intervals are), csv (one "
            + "table, see --table) or json (options, arms, comparisons and warnings)."))
    var format: Format = .table

    @Option(help: ArgumentHelp(
        "The table --format csv prints: arms (the default; one row per task and arm), comparisons (one row per "
            + "arm against the baseline, per task, unpaired), paired (the same rows paired by seed: differences' "
            + "mean and IQM, Wilcoxon's test, unpaired seeds), pairs (one row per seed pair: both scores and their "
            + "difference), scores (one row per run: its raw return and score), keys (a sweep's folder: one row per "
            + "grid key and value, the other settings pooled) or distillation (one row per task and arm: the "
            + "distillation score and its parts; implies --distillation-score)."))
    var table: Table?

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp(
        "Write the output to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(help: "Replace the --output file if it exists.")
    var overwrite = false

    func validate() throws {
        try validateBootstrap(reps: reps, confidence: confidence)
        if table != nil, format != .csv {
            throw ValidationError("--table applies only to --format csv")
        }
        if let optimalityThreshold {
            guard input.isNormalised else {
                throw ValidationError("--optimality-threshold needs normalised scores (--normalise or --normalisation)")
            }
            guard optimalityThreshold.isFinite else {
                throw ValidationError(
                    "--optimality-threshold must be a finite number, got \(NumberText.shortest(optimalityThreshold))")
            }
        }
        if overwrite, output == nil { throw ValidationError("--overwrite applies only with --output") }
        try validateUntil(until)
        if let scoreWeight, !(scoreWeight >= 0 && scoreWeight <= 1) {
            throw ValidationError(
                "--score-weight must be between 0 and 1 (inclusive), e.g. 0.5, got \(NumberText.shortest(scoreWeight))")
        }
    }

    func run() throws {
        if let output { try OutputFile.check(output, overwrite: overwrite) }
        let runs = try input.loadRuns()
        let scoreOptions = ScoreOptions(metric: metric, selection: input.selection,
                                        normalisation: try input.normalisationTable(), incompleteRuns: incomplete,
                                        until: until)
        let scores = try input.explainingNormalisation { try ScoreSet(runs: runs, options: scoreOptions) }
        reportWarnings(scores.warnings)
        let text: String
        if format == .csv, table == .scores {
            text = scores.csv()
        } else {
            let options = SummaryOptions(
                scores: scoreOptions, bootstrap: StratifiedBootstrap(replicates: reps, confidence: confidence),
                seed: seed, optimalityThreshold: optimalityThreshold ?? 1, baseline: baseline)
            var summary = try Summary(scores: scores, options: options)
            let scoresReferenceArms = distillationScore || scoreWeight != nil || table == .distillation
            if scoresReferenceArms || runs.runs.contains(where: { $0.teacher != nil }) {
                summary.distillationScores = DistillationScores(
                    scores: scores, runs: runs, referenceOf: { [summary] in summary.baseline(of: $0) },
                    options: DistillationScoreOptions(
                        weight: scoreWeight ?? DistillationScore.defaultWeight,
                        normalisation: try input.normalisationTable() ?? .builtIn,
                        scoresReferenceArms: scoresReferenceArms, bootstrap: options.bootstrap, seed: seed,
                        parameterCount: policyParameterCount))
            }
            let grid = try input.runs.count == 1 ? SweepGrid.load(from: URL(fileURLWithPath: input.runs[0])) : nil
            let keys = grid.map { SweepTables(scores: scores, grid: $0, bootstrap: options.bootstrap, seed: seed) }
            switch format {
            case .table: text = summary.text(includingWarnings: false) + (keys?.text(decimals: summary.scoreDecimals()) ?? "")
            case .csv:
                switch table ?? .arms {
                case .comparisons: text = summary.comparisonsCSV()
                case .paired: text = summary.pairedCSV()
                case .pairs: text = summary.pairsCSV()
                case .keys:
                    guard let keys else {
                        throw CommandError("--table keys needs one sweep folder (holding duet sweep's plan.json), got "
                                           + input.runs.joined(separator: " "))
                    }
                    text = keys.csv()
                case .distillation: text = summary.distillationCSV()
                case .arms, .scores: text = summary.armsCSV()
                }
            case .json: text = summary.json()
            }
        }
        if let output {
            try OutputFile.write(text, to: output, overwrite: overwrite)
            print("Wrote \(output)")
        } else {
            print(text, terminator: "")
        }
    }
}

/// The parameters of learner `learner`'s final policy in the run folder `run`: the sizes of the policy file's
/// `network.*` tensors summed (PolicyFile.swift lists the entries); nil when the run has no such file.
@Sendable
func policyParameterCount(run: URL, learner: Int) throws -> Int? {
    let url = run.appendingPathComponent(RunFormat.learnerFolder(learner)).appendingPathComponent(PolicyFile.finalFile)
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    let archive = try PolicyFile(contentsOf: url).archive
    return DistillationScore.parameterCount(tensors: archive.names.compactMap { name in
        guard case let .tensor(tensor)? = archive[name] else { return nil }
        return (name: name, count: tensor.rows * tensor.columns)
    })
}

// MARK: Shared by summarize, export and plot

/// The runs a results command reads and how a run's evaluations become values: shared by `summarize`, `export`
/// and `plot`.
struct RunSelection: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "Run folders (each holding run.json), or folders searched recursively for run folders.",
        valueName: "runs"))
    var runs: [String]

    @Option(help: ArgumentHelp(
        "Which learners a run's value comes from: mean (a dual run's learners averaged at each evaluation step), "
            + "max (the better learner at each step), or learner<k> (learner k alone, e.g. learner1). Single-learner "
            + "runs are their own mean and max. (default: mean)", valueName: "learners"))
    var learners: LearnerSelection?

    @Flag(help: "Normalise returns per task with the built-in table (see above).")
    var normalise = false

    @Option(help: ArgumentHelp(
        "A CSV file with the header task,random,reference whose lines extend or override the built-in "
            + "normalisation table; implies --normalise.", valueName: "file"))
    var normalisation: String?

    /// The learners asked for (mean when not given).
    var selection: LearnerSelection { learners ?? .combined(.mean) }

    /// Whether values are normalised.
    var isNormalised: Bool { normalise || normalisation != nil }

    /// The normalisation table to use: nil for raw returns, else the built-in table merged with the user's.
    func normalisationTable() throws -> NormalisationTable? {
        guard isNormalised else { return nil }
        guard let normalisation else { return .builtIn }
        let extra = try NormalisationTable.load(csvAt: URL(fileURLWithPath: normalisation))
        return NormalisationTable.builtIn.merging(extra)
    }

    /// Reads every run folder at or under the arguments.
    func loadRuns(readingDistillation: Bool = false) throws -> RunSet {
        try RunSet.load(from: runs.map { URL(fileURLWithPath: $0) }, readingDistillation: readingDistillation)
    }

    /// `body`'s result, with a missing normalisation entry's message pointing at `--normalisation`.
    func explainingNormalisation<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as ResultsError {
            guard case .noNormalisation = error else { throw error }
            throw CommandError("\(error.description) (pass that file with --normalisation <file>)")
        }
    }

    /// The normalisation paragraph of the commands' help, listing the built-in table.
    static var normalisationHelp: String {
        let table = NormalisationTable.builtIn
        let entries = table.tasks.compactMap { task in
            table[task].map {
                "\(task) (random \(NumberText.shortest($0.random)), reference \(NumberText.shortest($0.reference)))"
            }
        }
        return "Normalised scores are (return − random)/(reference − random): 0 for a random policy, 1 for the "
            + "reference agent. Built-in entries: \(entries.joined(separator: ", ")). Other tasks need a CSV file "
            + "given with --normalisation: the header task,random,reference, then one line per task, e.g. "
            + "MyTask-v0,-100,250; its lines extend or override the built-in ones."
    }
}

/// Checks the bootstrap arguments shared by the results commands.
func validateBootstrap(reps: Int, confidence: Double) throws {
    guard reps >= 1 else { throw ValidationError("--reps must be at least 1, got \(reps)") }
    guard confidence > 0, confidence < 1 else {
        throw ValidationError(
            "--confidence must be between 0 and 1 (exclusive), e.g. 0.95, got \(NumberText.shortest(confidence))")
    }
}

/// `--until STEP`, shared by summarize, export and plot: a step ≥ 0 when given.
func validateUntil(_ until: Int?) throws {
    if let until, until < 0 { throw ValidationError("--until must be a step ≥ 0, e.g. 300000, got \(until)") }
}

/// Prints each warning to standard error, one line each, prefixed `warning: `.
func reportWarnings(_ warnings: [ResultsWarning]) {
    var text = ""
    for warning in warnings { text += "warning: \(warning.description)\n" }
    FileHandle.standardError.write(Data(text.utf8))
}

/// An output file written atomically: the text goes to a hidden temporary file beside it, which is then renamed
/// over the destination, so a failure never leaves a half-written file. An existing file is replaced only when
/// asked.
enum OutputFile {
    /// Checks that `path` can be written: it is not a folder, its folder exists, and it does not exist unless
    /// `overwrite`. Commands call this before the work, so a conflict is reported at once.
    @discardableResult
    static func check(_ path: String, overwrite: Bool) throws -> URL {
        let url = URL(fileURLWithPath: path)
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw CommandError("--output \(path): is a folder; give a file name") }
            if !overwrite { throw CommandError("--output \(path): already exists; pass --overwrite to replace it") }
        }
        let folder = url.deletingLastPathComponent()
        guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandError("--output \(path): the folder \(folder.path) does not exist")
        }
        return url
    }

    /// Writes `text` to `path` atomically (see the type), after ``check(_:overwrite:)``.
    static func write(_ text: String, to path: String, overwrite: Bool) throws {
        let url = try check(path, overwrite: overwrite)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).partial")
        do {
            try Data(text.utf8).write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CommandError("--output \(path): cannot write: \(error.localizedDescription)")
        }
        // Checked again: the file may have appeared while the results were computed.
        if !overwrite, FileManager.default.fileExists(atPath: url.path) {
            try? FileManager.default.removeItem(at: temporary)
            throw CommandError("--output \(path): already exists; pass --overwrite to replace it")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CommandError("--output \(path): cannot write: \(reason)")
        }
    }
}

// MARK: Arguments of DuetResults types

extension ScoreMetric: ExpressibleByArgument {}
extension IncompleteRunPolicy: ExpressibleByArgument {}
extension StepGrid: ExpressibleByArgument {}
extension DistillationQuantity: ExpressibleByArgument {}

extension LearnerSelection: ExpressibleByArgument {
    /// `mean`, `max`, or `learner<k>` with k a decimal index.
    public init?(argument: String) {
        if let combination = LearnerCombination(rawValue: argument) {
            self = .combined(combination)
            return
        }
        let index = argument.dropFirst("learner".count)
        guard argument.hasPrefix("learner"), !index.isEmpty, index.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int(index) else { return nil }
        self = .learner(value)
    }

    /// The default as `--help` shows it: the selection's ``description``.
    public var defaultValueDescription: String { description }
}
