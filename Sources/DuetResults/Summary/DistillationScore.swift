// The distillation score: one number that weighs how small a student is against how well it does relative to its
// teacher, after the "distillation metric" of Alkhulaifi, Alsahli and Ahmad, "Knowledge distillation in deep learning
// and its applications", PeerJ Computer Science 7:e474 (2021), doi:10.7717/peerj-cs.474 (arXiv:2007.09029).
//
//     DS = a·S + (1 − a)·(1 − P),     S = size_student / size_teacher,     P = score_student / score_teacher
//
// Lower is better: a student as large as its teacher that matches it scores a; a student half the size that matches
// it scores a/2. The paper proposes the metric for comparing distillation methods by model size (parameters) and
// accuracy. The form above is the one Duet's algorithm notes and issue 18 report. The paper's typeset equation was
// not at hand offline (only its abstract: a metric "which compares different knowledge distillation solutions based
// on models' sizes and accuracy scores"); a secondary source that restates the paper gives the same form (size in
// parameters, a on the size ratio, lower is better) and reproduces the paper's worked case (Walawalkar et al.'s four
// CIFAR-100 students of a ResNet44 teacher) with a = 0.5, and this formula gives its four values to the decimals
// shown (DistillationScoreTests). The default weight a = 0.5 is the one that case uses; whether the paper
// recommends it is not known here.
//
// What Duet puts in:
// - S: parameters of the policy networks (the sizes of the `network.*` tensors of `learner<k>/policy-final.duet`,
//   counted by the caller through ``PolicyParameterCounter``; a dual run's size is the mean of its learners', or
//   learner k's for `--learners learner<k>`).
// - P: a ratio of *normalised* returns. Accuracy is in [0, 1] with 0 the worst; an RL return is not (Pendulum's
//   returns are all negative, and −400/−200 = 2 would call a student twice as bad "twice as good"). So each return
//   is normalised as `--normalise` does, N(R) = (R − R_random)/(R_reference − R_random), with the task's
//   random-policy return from the normalisation table (built-in, or `--normalisation`), and
//       P = N(R_student)/N(R_teacher) = (R_student − R_random)/(R_teacher − R_random):
//   the reference return cancels, so P is the student's gain over a random policy as a fraction of its teacher's.
//   P is defined only when the teacher beats the random policy (R_teacher > R_random). It is not clipped: a student
//   better than its teacher has P > 1 and DS below a·S, which is what "lower is better" should say.
// - The teacher: for a run whose run.json names one (`configuration.distillation.teacher`, learner
//   `configuration.distillation.teacherPeer`), that run's learner, scored with the same metric as the student
//   (the final evaluation by default); for a run without one, on request, the reference arm (the summary's
//   baseline, `distill-off` in an ablation): its runs' mean return on the task, and its runs' mean size (a ratio of
//   1 is assumed, and said, when policy files are missing: an ablation's arms share the architecture).
// - An arm's score is the mean of its runs' scores (so its S and P are the means of theirs, and DS = a·S̄ +
//   (1 − a)·(1 − P̄) exactly).
// - Its interval: a percentile bootstrap (the summary's R and confidence level) that resamples the arm's runs
//   and, for runs scored against the reference arm, the reference arm's runs too (so R_teacher, their mean, varies
//   with them); a teacher run is one fixed run. A replicate whose reference mean is not above R_random has no P,
//   and then the interval is undefined (NaN), as every summary interval with an undefined replicate is.
import DuetRandom
import DuetRunFormat
import Foundation

/// The formula and its pieces (see the file's header for the source, the weighting and the normalisation).
public enum DistillationScore {
    /// The default weight a of the size ratio: size and performance count the same.
    public static let defaultWeight = 0.5

    /// DS = a·S + (1 − a)·(1 − P), lower is better.
    /// - Parameters:
    ///   - weight: a, in [0, 1]: 1 scores size alone, 0 performance alone.
    ///   - sizeRatio: S = student parameters / teacher parameters.
    ///   - returnRatio: P = student's normalised return / teacher's (``returnRatio(student:teacher:random:)``).
    /// - Precondition: `weight` in [0, 1].
    public static func value(weight: Double, sizeRatio: Double, returnRatio: Double) -> Double {
        precondition(weight >= 0 && weight <= 1, "the distillation score's weight must be in [0, 1], got \(weight)")
        return weight * sizeRatio + (1 - weight) * (1 - returnRatio)
    }

    /// P = (R_student − R_random)/(R_teacher − R_random), the ratio of the normalised returns (the reference
    /// return cancels); nil unless the teacher beats the random policy and every return is finite.
    public static func returnRatio(student: Double, teacher: Double, random: Double) -> Double? {
        guard student.isFinite, teacher.isFinite, random.isFinite, teacher > random else { return nil }
        return (student - random) / (teacher - random)
    }

    /// The parameters of a policy network: the sizes (rows × columns) of a policy file's tensors named
    /// `network.…` summed (the weights and biases of its layers and the gains and biases of its layer norms; the
    /// observation statistics and action-head constants are not the network's).
    public static func parameterCount(tensors: [(name: String, count: Int)]) -> Int {
        tensors.filter { $0.name.hasPrefix("network.") }.reduce(0) { $0 + $1.count }
    }
}

/// The parameters of learner `learner`'s final policy in the run folder `run`, or nil when the run has no such
/// policy file. Supplied by the caller, which reads the policy format (DuetResults does not).
/// - Throws: for a policy file that exists but cannot be read (its description is reported).
public typealias PolicyParameterCounter = @Sendable (_ run: URL, _ learner: Int) throws -> Int?

/// How ``DistillationScores`` scores the arms.
public struct DistillationScoreOptions: Sendable {
    /// The weight a of the size ratio, in [0, 1].
    public var weight: Double
    /// The tasks' random-policy returns (the `random` column; `reference` cancels in P).
    public var normalisation: NormalisationTable
    /// Whether runs without a teacher are scored against the reference arm (the summary's baseline).
    public var scoresReferenceArms: Bool
    /// Reads a learner's policy size.
    public var parameterCount: PolicyParameterCounter
    /// The bootstrap of each arm's interval (replicates R, confidence level c).
    public var bootstrap: StratifiedBootstrap
    /// The seed of the intervals' random streams (one stream per task and arm).
    public var seed: UInt64

    /// Options with the given values; by default a = ``DistillationScore/defaultWeight`` and the built-in table.
    public init(weight: Double = DistillationScore.defaultWeight, normalisation: NormalisationTable = .builtIn,
                scoresReferenceArms: Bool = false, bootstrap: StratifiedBootstrap = StratifiedBootstrap(),
                seed: UInt64 = 0, parameterCount: @escaping PolicyParameterCounter) {
        self.weight = weight
        self.normalisation = normalisation
        self.scoresReferenceArms = scoresReferenceArms
        self.bootstrap = bootstrap
        self.seed = seed
        self.parameterCount = parameterCount
    }
}

/// One student run's distillation score.
public struct RunDistillationScore: Sendable, Equatable {
    /// The run folder.
    public var path: String
    /// The run's seed.
    public var seed: UInt64
    /// The teacher: its run folder, or the reference arm as `arm <name>`.
    public var teacher: String
    /// The student's policy parameters (nil when the size ratio is assumed).
    public var studentParameters: Double?
    /// The teacher's policy parameters (nil when the size ratio is assumed).
    public var teacherParameters: Double?
    /// S.
    public var sizeRatio: Double
    /// The student's raw return (the summary's metric).
    public var studentReturn: Double
    /// The teacher's raw return (the same metric; the reference arm's mean).
    public var teacherReturn: Double
    /// The task's random-policy return.
    public var randomReturn: Double
    /// P.
    public var returnRatio: Double
    /// DS.
    public var value: Double
    /// Whether the teacher is the reference arm (its mean return), not a teacher run.
    public var isScoredAgainstReferenceArm = false
}

/// One arm's distillation score on one task.
public struct ArmDistillationScore: Sendable, Equatable {
    /// The task.
    public var task: String
    /// The arm.
    public var arm: String
    /// How many distinct teacher runs the arm's runs name.
    public var teacherRunCount: Int
    /// The reference arm, when some of the arm's runs have no teacher and are scored against it.
    public var referenceArm: String?
    /// The scored runs (all of the arm's runs on the task, unless ``unavailable``).
    public var runs: [RunDistillationScore]
    /// Whether S = 1 was assumed for the runs scored against the reference arm (policy files missing).
    public var isSizeAssumed: Bool
    /// Why the arm has no score, naming the run and file; nil when it has one.
    public var unavailable: String?
    /// The raw returns of the reference arm's runs on the task, when some runs are scored against it.
    public var referenceReturns: [Double] = []
    /// The bootstrap interval of ``value`` (nil when unavailable; NaN bounds when some replicate has no P).
    public var interval: ConfidenceInterval?

    /// The mean student parameters over the runs (nil when unavailable or assumed).
    public var studentParameters: Double? { mean(runs.map(\.studentParameters)) }
    /// The mean teacher parameters over the runs (nil when unavailable or assumed).
    public var teacherParameters: Double? { mean(runs.map(\.teacherParameters)) }
    /// S̄, the mean size ratio (nil when unavailable).
    public var sizeRatio: Double? { mean(runs.map(\.sizeRatio)) }
    /// P̄, the mean return ratio (nil when unavailable).
    public var returnRatio: Double? { mean(runs.map(\.returnRatio)) }
    /// The arm's DS: the mean of its runs' (nil when unavailable).
    public var value: Double? { mean(runs.map(\.value)) }

    /// The teacher column: `1 teacher run`, `distill-off arm`, or both joined by `+`.
    public var teacherDescription: String {
        var parts: [String] = []
        if teacherRunCount > 0 { parts.append("\(teacherRunCount) teacher run\(teacherRunCount == 1 ? "" : "s")") }
        if let referenceArm { parts.append("\(referenceArm) arm") }
        return parts.joined(separator: " + ")
    }

    private func mean(_ values: [Double?]) -> Double? {
        guard unavailable == nil, !values.isEmpty else { return nil }
        let present = values.compactMap { $0 }
        guard present.count == values.count else { return nil }
        return Statistics.mean(present)
    }
}

/// The distillation score of each arm on each task whose runs have a teacher, or, with
/// ``DistillationScoreOptions/scoresReferenceArms``, of every arm but the reference arm (the formula and its
/// inputs are in DistillationScore.swift's header).
///
/// A score that cannot be computed (a teacher folder that no longer exists, a missing policy file, a task without
/// a random-policy return, a teacher no better than random) leaves the arm's row with a one-line reason
/// (``ArmDistillationScore/unavailable``) instead of stopping the summary: the rest of the results stay usable.
public struct DistillationScores: Sendable {
    /// The weight a.
    public var weight: Double
    /// The rows, by task then arm.
    public var arms: [ArmDistillationScore]
    /// Why there are no rows at all, when scores were asked for but nothing can be scored.
    public var unavailable: String?

    /// Scores the runs of `scores` (read as `runs`), with `reference` (the summary's baseline) as the reference arm
    /// of every other arm.
    public init(scores: ScoreSet, runs: RunSet, reference: String?, options: DistillationScoreOptions) {
        self.init(scores: scores, runs: runs, referenceOf: { arm in arm == reference ? nil : reference },
                  options: options)
    }

    /// Scores the runs of `scores` (read as `runs`); `referenceOf(arm)` is the reference arm of `arm` (the arm
    /// the summary compares it with: ``Summary/baseline(of:)``), nil for a reference arm itself.
    public init(scores: ScoreSet, runs: RunSet, referenceOf: (String) -> String?,
                options: DistillationScoreOptions) {
        weight = options.weight
        let runsByPath = Dictionary(runs.runs.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let metric = scores.options.metric
        let selection = scores.options.selection
        var teacherRuns: [String: Result<Run, Unavailable>] = [:]

        /// The mean parameters of `learners` of `run`.
        func parameters(of run: URL, learners: [Int]) throws(Unavailable) -> Double {
            var counts: [Double] = []
            for learner in learners {
                let count: Int?
                do {
                    count = try options.parameterCount(run, learner)
                } catch {
                    throw Unavailable("\(error)")
                }
                guard let count else {
                    throw Unavailable("\(run.path)/\(RunFormat.learnerFolder(learner)) has no final policy file")
                }
                counts.append(Double(count))
            }
            return Statistics.mean(counts)
        }

        func learners(of run: Run) -> [Int] {
            if case let .learner(index) = selection { return [index] }
            return Array(0..<run.learners.count)
        }

        func teacherRun(_ link: TeacherLink, of student: Run) -> Result<Run, Unavailable> {
            if let known = teacherRuns[link.path] { return known }
            let result: Result<Run, Unavailable>
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: link.path, isDirectory: &isDirectory) || !isDirectory.boolValue {
                result = .failure(Unavailable(
                    "teacher folder \(link.path) (distillation.teacher of \(student.path)) no longer exists"))
            } else {
                do {
                    result = .success(try Run.load(from: link.url))
                } catch {
                    result = .failure(Unavailable("teacher of \(student.path): \(error)"))
                }
            }
            teacherRuns[link.path] = result
            return result
        }

        /// The score of `score`'s run against its teacher.
        func scoreAgainstTeacher(_ score: RunScore, _ run: Run, _ link: TeacherLink,
                                 random: Double) throws(Unavailable) -> RunDistillationScore {
            let teacher = try teacherRun(link, of: run).get()
            guard link.peer < teacher.learners.count else {
                throw Unavailable("teacher \(link.path) has no learner\(link.peer) (distillation.teacherPeer of "
                                  + "\(run.path); it has \(teacher.learners.count))")
            }
            guard teacher.metadata.task == score.metadata.task else {
                throw Unavailable("teacher \(link.path) ran \(teacher.metadata.task), its student \(run.path) "
                                  + score.metadata.task)
            }
            let teacherReturn = metric.score(of: teacher.learners[link.peer].map(\.returnMean))
            guard let returnRatio = DistillationScore.returnRatio(student: score.rawValue, teacher: teacherReturn,
                                                                  random: random) else {
                throw Unavailable("teacher \(link.path)'s return \(NumberText.shortest(teacherReturn)) is not above "
                                  + "the random policy's \(NumberText.shortest(random)) on \(score.metadata.task), "
                                  + "so the return ratio is undefined")
            }
            let studentParameters = try parameters(of: run.url, learners: learners(of: run))
            let teacherParameters = try parameters(of: teacher.url, learners: [link.peer])
            let sizeRatio = studentParameters / teacherParameters
            return RunDistillationScore(
                path: run.path, seed: score.metadata.seed, teacher: link.path, studentParameters: studentParameters,
                teacherParameters: teacherParameters, sizeRatio: sizeRatio, studentReturn: score.rawValue,
                teacherReturn: teacherReturn, randomReturn: random, returnRatio: returnRatio,
                value: DistillationScore.value(weight: options.weight, sizeRatio: sizeRatio, returnRatio: returnRatio))
        }

        var rows: [ArmDistillationScore] = []
        for task in scores.tasks {
            let taskScores = scores.scores.filter { $0.metadata.task == task }
            // Each reference arm's mean return and mean size on the task (size nil: some policy file is missing),
            // read once however many arms it is the reference of.
            var referenceStatistics: [String: (returns: [Double], meanReturn: Double?, parameters: Double?)] = [:]
            func statistics(of reference: String) -> (returns: [Double], meanReturn: Double?, parameters: Double?) {
                if let known = referenceStatistics[reference] { return known }
                let referenceScores = taskScores.filter { $0.metadata.arm == reference }
                var result: (returns: [Double], meanReturn: Double?, parameters: Double?) = ([], nil, nil)
                if !referenceScores.isEmpty {
                    result.returns = referenceScores.map(\.rawValue)
                    result.meanReturn = Statistics.mean(result.returns)
                    var sizes: [Double] = []
                    for score in referenceScores {
                        guard let run = runsByPath[score.path],
                              let size = try? parameters(of: run.url, learners: learners(of: run)) else { break }
                        sizes.append(size)
                    }
                    if sizes.count == referenceScores.count { result.parameters = Statistics.mean(sizes) }
                }
                referenceStatistics[reference] = result
                return result
            }
            let arms = Array(Set(taskScores.map(\.metadata.arm))).sorted()
            for arm in arms {
                let armScores = taskScores.filter { $0.metadata.arm == arm }
                let armRuns = armScores.compactMap { runsByPath[$0.path] }
                guard armRuns.count == armScores.count else { continue }
                let links = armRuns.compactMap(\.teacher)
                let reference = referenceOf(arm)
                let usesReference = options.scoresReferenceArms && reference != nil && links.count < armRuns.count
                guard !links.isEmpty || usesReference else { continue }
                let (referenceReturns, referenceReturn, referenceParameters) = reference.map(statistics(of:))
                    ?? ([], nil, nil)
                var row = ArmDistillationScore(
                    task: task, arm: arm, teacherRunCount: Set(links.map(\.path)).count,
                    referenceArm: usesReference ? reference : nil, runs: [], isSizeAssumed: false, unavailable: nil)
                if usesReference { row.referenceReturns = referenceReturns }
                var reasons: [String] = []
                guard let random = options.normalisation[task]?.random else {
                    row.unavailable = "no random-policy return for task '\(task)' (supply a normalisation CSV line "
                        + "'\(task),<random>,<reference>' with --normalisation)"
                    rows.append(row)
                    continue
                }
                // Runs scored against the reference arm assume S = 1 unless every policy file is there.
                var referenceSizes: [String: Double] = [:]
                if usesReference, referenceParameters != nil {
                    let plain = armRuns.filter { $0.teacher == nil }
                    let sizes = plain.compactMap { run in
                        (try? parameters(of: run.url, learners: learners(of: run))).map { (run.path, $0) }
                    }
                    if sizes.count == plain.count {
                        referenceSizes = Dictionary(sizes, uniquingKeysWith: { first, _ in first })
                    }
                }
                for (score, run) in zip(armScores, armRuns) {
                    do throws(Unavailable) {
                        if let link = run.teacher {
                            row.runs.append(try scoreAgainstTeacher(score, run, link, random: random))
                            continue
                        }
                        guard let reference else { throw Unavailable("\(run.path) has no distillation.teacher") }
                        guard usesReference else {
                            throw Unavailable("\(run.path) has no distillation.teacher (pass --distillation-score "
                                              + "to score it against the \(reference) arm)")
                        }
                        guard let referenceReturn else {
                            throw Unavailable("the reference arm \(reference) has no scored run on \(task)")
                        }
                        guard let returnRatio = DistillationScore.returnRatio(
                            student: score.rawValue, teacher: referenceReturn, random: random) else {
                            throw Unavailable("the reference arm \(reference)'s mean return "
                                              + "\(NumberText.shortest(referenceReturn)) is not above the random "
                                              + "policy's \(NumberText.shortest(random)) on \(task), so the return "
                                              + "ratio is undefined")
                        }
                        let studentParameters = referenceSizes[run.path]
                        let teacherParameters = studentParameters == nil ? nil : referenceParameters
                        if studentParameters == nil { row.isSizeAssumed = true }
                        let sizeRatio = studentParameters.flatMap { student in teacherParameters.map { student / $0 } }
                            ?? 1
                        row.runs.append(RunDistillationScore(
                            path: run.path, seed: score.metadata.seed, teacher: "arm \(reference)",
                            studentParameters: studentParameters, teacherParameters: teacherParameters,
                            sizeRatio: sizeRatio, studentReturn: score.rawValue, teacherReturn: referenceReturn,
                            randomReturn: random, returnRatio: returnRatio,
                            value: DistillationScore.value(weight: options.weight, sizeRatio: sizeRatio,
                                                           returnRatio: returnRatio),
                            isScoredAgainstReferenceArm: true))
                    } catch {
                        reasons.append(error.reason)
                    }
                }
                if let first = reasons.first {
                    let others = Set(reasons).count - 1
                    let more = others > 0 ? " (and \(others) other problem\(others == 1 ? "" : "s"))" : ""
                    row.unavailable = first + more
                } else if !row.runs.isEmpty {
                    var stream = RandomStream(seed: options.seed, name: "summary/distillation-score/\(task)/\(arm)")
                    row.interval = Self.interval(of: row, weight: options.weight, bootstrap: options.bootstrap,
                                                 using: &stream)
                }
                rows.append(row)
            }
        }
        arms = rows
        if rows.isEmpty {
            let hasReference = scores.arms.contains { referenceOf($0) != nil }
            unavailable = !hasReference
                ? "no run has a teacher (distillation.teacher in run.json) and there is no reference arm (one arm only)"
                : "no run has a teacher (distillation.teacher in run.json)"
        }
    }

    /// The percentile bootstrap interval of `row`'s DS: each replicate draws the arm's N runs with replacement
    /// and, when runs are scored against the reference arm, then its M runs (whose mean is R_teacher for those
    /// runs); a run scored against a teacher run keeps its P. DS of a replicate: the mean of its runs'
    /// a·Sᵢ + (1 − a)·(1 − Pᵢ), NaN when the resampled reference mean is not above R_random.
    public static func interval(of row: ArmDistillationScore, weight: Double, bootstrap: StratifiedBootstrap,
                                using source: inout some ResampleSource) -> ConfidenceInterval {
        precondition(!row.runs.isEmpty, "a distillation-score interval needs scored runs")
        let runs = row.runs
        let positions = [runs.indices.map(Double.init)]
        let usesReference = runs.contains(where: \.isScoredAgainstReferenceArm) && !row.referenceReturns.isEmpty
        func score(_ drawn: [Double], referenceMean: Double?) -> Double {
            var total = 0.0
            for position in drawn {
                let run = runs[Int(position)]
                var returnRatio = run.returnRatio
                if let referenceMean, run.isScoredAgainstReferenceArm {
                    guard let ratio = DistillationScore.returnRatio(student: run.studentReturn, teacher: referenceMean,
                                                                    random: run.randomReturn) else { return .nan }
                    returnRatio = ratio
                }
                total += DistillationScore.value(weight: weight, sizeRatio: run.sizeRatio, returnRatio: returnRatio)
            }
            return total / Double(drawn.count)
        }
        let values = usesReference
            ? bootstrap.replicateValues(of: positions, [row.referenceReturns], using: &source) { drawn, reference in
                score(drawn[0], referenceMean: Statistics.mean(reference[0]))
            }
            : bootstrap.replicateValues(of: positions, using: &source) { score($0[0], referenceMean: nil) }
        return bootstrap.interval(from: values)
    }

    /// A reason a score is unavailable.
    struct Unavailable: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
