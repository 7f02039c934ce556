import DuetRunFormat
import Foundation

/// What results group a run by, read from its `run.json` (``RunFormat/RunKey``): its arm, seed and task. The
/// full record the trainer writes is ``RunMetadata`` (DuetRunFormat); this is the reader's view of it.
public struct RunLabel: Sendable, Hashable {
    /// The experimental arm, e.g. `distill-on` (key `"arm"`).
    public var arm: String
    /// The run's root seed (key `"seed"`, a non-negative integer).
    public var seed: UInt64
    /// The task id, e.g. `Pendulum-v1` (key `"env"`).
    public var task: String

    /// A label from values.
    public init(arm: String, seed: UInt64, task: String) {
        self.arm = arm
        self.seed = seed
        self.task = task
    }
}

/// The teacher a run distilled from, read from its `run.json` (`configuration.distillation.teacher` and
/// `configuration.distillation.teacherPeer`): a finished run's folder and the learner of it that taught.
public struct TeacherLink: Sendable, Hashable {
    /// The teacher's run folder (key `teacher`, a path; a relative one is taken from the student's run folder).
    public var url: URL
    /// The teacher run's learner that taught, `learner<peer>/` (key `teacherPeer`, a non-negative integer,
    /// default 0).
    public var peer: Int

    /// The folder's path, as messages print it.
    public var path: String { url.path }

    /// A link to learner `peer` of the run folder at `url`.
    public init(url: URL, peer: Int = 0) {
        self.url = url
        self.peer = peer
    }
}

/// One row of a learner's `evaluations.csv`.
public struct Evaluation: Sendable, Equatable {
    /// Environment steps of this learner when it was evaluated (column `step`).
    public var step: Int
    /// Evaluation episodes averaged (column `episodes`).
    public var episodes: Int
    /// Mean episode return (column `return_mean`); the value every score and curve is made of.
    public var returnMean: Double
    /// Standard deviation of the episode returns (column `return_std`).
    public var returnStandardDeviation: Double
    /// Lowest episode return (column `return_min`).
    public var returnMinimum: Double
    /// Highest episode return (column `return_max`).
    public var returnMaximum: Double

    /// A row from values; the minimum and maximum default to `returnMean`.
    public init(step: Int, episodes: Int, returnMean: Double, returnStandardDeviation: Double = 0,
                returnMinimum: Double? = nil, returnMaximum: Double? = nil) {
        self.step = step
        self.episodes = episodes
        self.returnMean = returnMean
        self.returnStandardDeviation = returnStandardDeviation
        self.returnMinimum = returnMinimum ?? returnMean
        self.returnMaximum = returnMaximum ?? returnMean
    }

    /// The columns of `evaluations.csv`, in the order the trainer writes them.
    public static let columns = RunFormat.evaluationColumns
}

/// One row of a learner's `episodes.csv`: a training episode.
public struct EpisodeRecord: Sendable, Equatable {
    /// Environment steps of this learner at the end of the episode (column `step`).
    public var step: Int
    /// The episode's index (column `episode`).
    public var episode: Int
    /// The episode's return (column `return`).
    public var episodeReturn: Double
    /// The episode's length in steps (column `length`).
    public var length: Int

    /// The columns of `episodes.csv`.
    public static let columns = RunFormat.episodeColumns
}

/// One row of a dual run's `distillation.csv`: diagnostics of one learner's distillation update.
public struct DistillationRecord: Sendable, Equatable {
    /// Environment steps of the learner (column `step`).
    public var step: Int
    /// The learner being updated: 0 … k−1 (column `learner`).
    public var learner: Int
    /// The peer it distilled from: an index, or `best` / `all` for the k-peer selections (column `peer`; `nil` in
    /// logs written before the column existed).
    public var peer: String?
    /// The distillation loss (column `loss`).
    public var loss: Double
    /// Mean disadvantage of the learner's action against its peer's on the batch (column `mean_disadvantage`).
    public var meanDisadvantage: Double
    /// Fraction of the batch's states where the learner's action is worse than its peer's
    /// (column `fraction_disadvantageous`).
    public var fractionDisadvantageous: Double
    /// The largest distillation weight in the batch (column `max_weight`).
    public var maxWeight: Double
    /// Effective sample size of the weights (column `effective_sample_size`).
    public var effectiveSampleSize: Double
    /// Mean distance between the two learners' actions on the batch (column `action_distance`).
    public var actionDistance: Double

    /// A row from values; the columns not given default to 0 (and `peer` to `nil`).
    public init(step: Int, learner: Int, peer: String? = nil, loss: Double = 0, meanDisadvantage: Double = 0,
                fractionDisadvantageous: Double, maxWeight: Double = 0, effectiveSampleSize: Double = 0,
                actionDistance: Double) {
        self.step = step
        self.learner = learner
        self.peer = peer
        self.loss = loss
        self.meanDisadvantage = meanDisadvantage
        self.fractionDisadvantageous = fractionDisadvantageous
        self.maxWeight = maxWeight
        self.effectiveSampleSize = effectiveSampleSize
        self.actionDistance = actionDistance
    }

    /// The columns of `distillation.csv` a reader needs: all of ``RunFormat/distillationColumns`` but `peer`,
    /// which logs written before k-peer training lack.
    public static let columns = RunFormat.distillationColumns.filter { $0 != "peer" }
}

/// A training run read from its folder.
///
/// ## The run-folder contract
///
/// ```
/// <run>/run.json                  {"arm": "distill-on", "seed": 3, "env": "Pendulum-v1", ...}
/// <run>/learner0/evaluations.csv  step,episodes,return_mean,return_std,return_min,return_max
/// <run>/learner0/episodes.csv     step,episode,return,length
/// <run>/learner1/...              runs with two or more peers
/// <run>/distillation.csv          runs with two or more peers, optional:
///                                 step,learner,peer,loss,mean_disadvantage,fraction_disadvantageous,max_weight,
///                                 effective_sample_size,action_distance
/// ```
///
/// The names are ``RunFormat``'s, which the trainer writes with. `run.json` may hold more keys; only `arm`,
/// `seed` and `env` are read, and `configuration.distillation.teacher` / `teacherPeer` when present (``teacher``;
/// absent, `null` or an empty string: no teacher). Learners are `learner0/`, `learner1/`, … with consecutive
/// indices; the `peer` column of `distillation.csv` is optional (older logs lack it). In `evaluations.csv`, `step` counts the environment steps of that
/// learner and must strictly increase; at least one evaluation is required. Columns are found by name (extra
/// columns are ignored). `episodes.csv` is read only on request (``episodes(learner:)``). Each problem is a
/// one-line ``ResultsError`` naming the file.
public struct Run: Sendable {
    /// The run folder.
    public var url: URL
    /// The run's arm, seed and task.
    public var metadata: RunLabel
    /// The run's teacher, for a run that distilled from a trained run.
    public var teacher: TeacherLink?
    /// The learners' evaluations, `learners[k]` from `learner<k>/evaluations.csv`.
    public var learners: [[Evaluation]]
    /// The rows of `distillation.csv`, if it was asked for and exists.
    public var distillation: [DistillationRecord]?
    /// Problems met while reading that did not stop it.
    public var warnings: [ResultsWarning]

    /// The folder's path, as messages print it.
    public var path: String { url.path }
    /// Whether the run has two (or more) learners.
    public var isDual: Bool { learners.count > 1 }

    /// A run from values (``load(from:readingDistillation:)`` reads one from its folder).
    /// - Precondition: at least one learner; every learner has at least one evaluation, with strictly
    ///   increasing steps.
    public init(url: URL, metadata: RunLabel, learners: [[Evaluation]],
                distillation: [DistillationRecord]? = nil, warnings: [ResultsWarning] = [],
                teacher: TeacherLink? = nil) {
        precondition(!learners.isEmpty, "a run needs at least one learner")
        precondition(learners.allSatisfy { evaluations in
            !evaluations.isEmpty && zip(evaluations, evaluations.dropFirst()).allSatisfy { $0.step < $1.step }
        }, "every learner needs at least one evaluation, with strictly increasing steps")
        self.url = url
        self.metadata = metadata
        self.teacher = teacher
        self.learners = learners
        self.distillation = distillation
        self.warnings = warnings
    }

    /// Reads the run folder at `url`.
    /// - Parameter readingDistillation: also read `distillation.csv` when present (for diagnostics).
    public static func load(from url: URL, readingDistillation: Bool = false) throws -> Run {
        let record = try readRecord(url.appendingPathComponent(RunFormat.runRecordFile))
        var learners: [[Evaluation]] = []
        var warnings: [ResultsWarning] = []
        while isDirectory(url.appendingPathComponent(RunFormat.learnerFolder(learners.count))) {
            let file = url.appendingPathComponent(RunFormat.learnerFolder(learners.count))
                .appendingPathComponent(RunFormat.evaluationsFile)
            let (evaluations, fileWarnings) = try readEvaluations(file)
            learners.append(evaluations)
            warnings += fileWarnings
        }
        guard !learners.isEmpty else { throw ResultsError.noLearners(path: url.path) }
        var distillation: [DistillationRecord]?
        let distillationFile = url.appendingPathComponent(RunFormat.distillationFile)
        if readingDistillation, FileManager.default.fileExists(atPath: distillationFile.path) {
            let (records, fileWarnings) = try readDistillation(distillationFile, learnerCount: learners.count)
            distillation = records
            warnings += fileWarnings
        }
        let teacher = record.teacher.map { link in
            TeacherLink(url: link.path.hasPrefix("/") ? URL(fileURLWithPath: link.path)
                            : url.appendingPathComponent(link.path).standardizedFileURL, peer: link.peer)
        }
        return Run(url: url, metadata: record.metadata, learners: learners, distillation: distillation,
                   warnings: warnings, teacher: teacher)
    }

    /// The training episodes of learner `learner`, from its `episodes.csv`.
    public func episodes(learner: Int) throws -> [EpisodeRecord] {
        guard learner >= 0, learner < learners.count else {
            throw ResultsError.missingLearner(path: path, learner: learner, available: learners.count)
        }
        let table = try CSVTable.read(url.appendingPathComponent(RunFormat.learnerFolder(learner))
                                          .appendingPathComponent(RunFormat.episodesFile),
                                      requiredColumns: EpisodeRecord.columns)
        return try table.readRows { row in
            EpisodeRecord(step: try row.integer("step"), episode: try row.integer("episode"),
                          episodeReturn: try row.double("return"), length: try row.integer("length"))
        }.values
    }

    // MARK: Reading

    static func readMetadata(_ file: URL) throws -> RunLabel { try readRecord(file).metadata }

    /// The keys of `run.json` results read: the label and the teacher link (its path as written).
    static func readRecord(_ file: URL) throws -> (metadata: RunLabel, teacher: (path: String, peer: Int)?) {
        let path = file.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ResultsError.missingFile(path: path, expected: "run.json with keys \"arm\", \"seed\", \"env\"")
        }
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw ResultsError.unreadable(path: path, reason: error.localizedDescription)
        }
        do {
            let decoded = try JSONDecoder().decode(MetadataFile.self, from: data)
            return (decoded.metadata, decoded.teacher)
        } catch let problem as MetadataFile.Problem {
            switch problem {
            case let .missing(key): throw ResultsError.missingKey(path: path, key: key)
            case let .wrongType(key, expected): throw ResultsError.wrongType(path: path, key: key, expected: expected)
            }
        } catch {
            throw ResultsError.malformedJSON(path: path, reason: "cannot parse it as a JSON object")
        }
    }

    /// The keys of `run.json` that results need; the rest of the file is ignored.
    private struct MetadataFile: Decodable {
        /// A key problem, turned into a ``ResultsError`` with the file's path by `readMetadata`.
        enum Problem: Error {
            case missing(String)
            case wrongType(String, expected: String)
        }

        typealias Key = RunFormat.RunKey

        /// The keys of `configuration` and of `configuration.distillation` read here.
        private struct NestedKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        var metadata: RunLabel
        var teacher: (path: String, peer: Int)?

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            func value<Value: Decodable>(_ key: Key, _ type: Value.Type, _ expected: String) throws -> Value {
                guard container.contains(key) else { throw Problem.missing(key.rawValue) }
                guard let value = try? container.decode(type, forKey: key) else {
                    throw Problem.wrongType(key.rawValue, expected: expected)
                }
                return value
            }
            let arm = try value(.arm, String.self, "a non-empty string")
            let seed = try value(.seed, UInt64.self, "a non-negative integer")
            let task = try value(.env, String.self, "a non-empty string")
            guard !arm.isEmpty else { throw Problem.wrongType("arm", expected: "a non-empty string") }
            guard !task.isEmpty else { throw Problem.wrongType("env", expected: "a non-empty string") }
            metadata = RunLabel(arm: arm, seed: seed, task: task)
            teacher = try Self.teacher(in: container)
        }

        /// `configuration.distillation.teacher` and `teacherPeer`, when the run has a teacher.
        private static func teacher(in container: KeyedDecodingContainer<Key>) throws -> (path: String, peer: Int)? {
            guard container.contains(.configuration), try !container.decodeNil(forKey: .configuration),
                  let configuration = try? container.nestedContainer(keyedBy: NestedKey.self, forKey: .configuration)
            else { return nil }
            let distillationKey = NestedKey("distillation")
            guard configuration.contains(distillationKey), try !configuration.decodeNil(forKey: distillationKey),
                  let distillation = try? configuration.nestedContainer(keyedBy: NestedKey.self,
                                                                        forKey: distillationKey)
            else { return nil }
            let teacherKey = NestedKey("teacher"), peerKey = NestedKey("teacherPeer")
            guard distillation.contains(teacherKey), try !distillation.decodeNil(forKey: teacherKey) else { return nil }
            guard let path = try? distillation.decode(String.self, forKey: teacherKey) else {
                throw Problem.wrongType("configuration.distillation.teacher",
                                        expected: "a run folder's path (a string)")
            }
            guard !path.isEmpty else { return nil }
            var peer = 0
            if distillation.contains(peerKey), try !distillation.decodeNil(forKey: peerKey) {
                guard let value = try? distillation.decode(Int.self, forKey: peerKey), value >= 0 else {
                    throw Problem.wrongType("configuration.distillation.teacherPeer",
                                            expected: "a non-negative integer")
                }
                peer = value
            }
            return (path, peer)
        }
    }

    static func readEvaluations(_ file: URL) throws -> ([Evaluation], [ResultsWarning]) {
        let table = try CSVTable.read(file, requiredColumns: Evaluation.columns)
        var previous: Int?
        let (evaluations, warnings) = try table.readRows { row -> Evaluation in
            let step = try row.integer("step")
            if let previous, step <= previous {
                throw ResultsError.stepNotIncreasing(path: table.path, line: row.line, step: step, previous: previous)
            }
            let evaluation = Evaluation(
                step: step, episodes: try row.integer("episodes"), returnMean: try row.finiteDouble("return_mean"),
                returnStandardDeviation: try row.double("return_std"), returnMinimum: try row.double("return_min"),
                returnMaximum: try row.double("return_max"))
            previous = step
            return evaluation
        }
        guard !evaluations.isEmpty else { throw ResultsError.noEvaluations(path: table.path) }
        return (evaluations, warnings)
    }

    static func readDistillation(_ file: URL, learnerCount: Int) throws -> ([DistillationRecord], [ResultsWarning]) {
        let table = try CSVTable.read(file, requiredColumns: DistillationRecord.columns)
        var previous: [Int: Int] = [:]
        return try table.readRows { row -> DistillationRecord in
            let step = try row.integer("step")
            let learner = try row.integer("learner")
            guard learner >= 0, learner < learnerCount else {
                throw ResultsError.badValue(path: table.path, line: row.line, column: "learner", value: String(learner),
                                            expected: "a learner index below \(learnerCount)")
            }
            if let last = previous[learner], step < last {
                throw ResultsError.stepNotIncreasing(path: table.path, line: row.line, step: step, previous: last)
            }
            previous[learner] = step
            return DistillationRecord(
                step: step, learner: learner, peer: try row.optionalText("peer"), loss: try row.double("loss"),
                meanDisadvantage: try row.double("mean_disadvantage"),
                fractionDisadvantageous: try row.double("fraction_disadvantageous"),
                maxWeight: try row.double("max_weight"), effectiveSampleSize: try row.double("effective_sample_size"),
                actionDistance: try row.double("action_distance"))
        }
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }
}
