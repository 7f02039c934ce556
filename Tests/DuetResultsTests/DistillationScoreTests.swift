import DuetResults
import Foundation
import XCTest

/// The distillation score DS = a·S + (1 − a)·(1 − P) (DistillationScore.swift): the formula against hand-worked
/// values, the return ratio of normalised returns, the parameter count of a policy file's tensors, and the per-arm
/// scores of teacher runs and of reference arms read from run folders, with their one-line "unavailable" reasons.
final class DistillationScoreTests: XCTestCase {
    private var folders: RunFolders!

    override func setUpWithError() throws { folders = try RunFolders() }
    override func tearDown() { folders.remove() }

    // MARK: The formula

    func testScoreAgainstHandComputedValues() {
        // a = 0.5, S = 0.25, P = 0.8: 0.5·0.25 + 0.5·(1 − 0.8) = 0.125 + 0.1 = 0.225.
        XCTAssertEqual(DistillationScore.value(weight: 0.5, sizeRatio: 0.25, returnRatio: 0.8), 0.225, accuracy: 1e-15)
        // a = 0.3, S = 0.5, P = 0.9: 0.15 + 0.7·0.1 = 0.22.
        XCTAssertEqual(DistillationScore.value(weight: 0.3, sizeRatio: 0.5, returnRatio: 0.9), 0.22, accuracy: 1e-15)
        // A student as large as its teacher that matches it scores a.
        XCTAssertEqual(DistillationScore.value(weight: 0.5, sizeRatio: 1, returnRatio: 1), 0.5)
    }

    /// The survey's worked case as a secondary source reproduces it (Walawalkar et al. 2020: four students of a
    /// ResNet44 teacher at 71.76% on CIFAR-100, sizes as fractions of the teacher's, a column "DS (α=0.5)"): the
    /// formula, with a on the size ratio and accuracy for the return, gives its four values to the three decimals
    /// shown. (The paper's own typeset equation was not at hand; this is the check available offline.)
    func testTheSurveysWorkedCaseWithHalfWeight() {
        let teacher = 71.76
        for (size, accuracy, stated) in [(0.6284, 69.12, 0.333), (0.3536, 67.04, 0.210), (0.1525, 62.87, 0.138),
                                         (0.0374, 43.11, 0.218)] {
            let score = DistillationScore.value(weight: DistillationScore.defaultWeight, sizeRatio: size,
                                                returnRatio: accuracy / teacher)
            XCTAssertEqual((score * 1000).rounded() / 1000, stated, accuracy: 1e-12, "size \(size)")
        }
    }

    func testWeightZeroScoresPerformanceOnlyAndWeightOneSizeOnly() {
        // a = 0: 1 − P = 1 − 0.8 = 0.2, whatever S.
        XCTAssertEqual(DistillationScore.value(weight: 0, sizeRatio: 0.25, returnRatio: 0.8), 0.2, accuracy: 1e-15)
        XCTAssertEqual(DistillationScore.value(weight: 0, sizeRatio: 7, returnRatio: 0.8), 0.2, accuracy: 1e-15)
        // a = 1: S = 0.25, whatever P.
        XCTAssertEqual(DistillationScore.value(weight: 1, sizeRatio: 0.25, returnRatio: 0.8), 0.25)
        XCTAssertEqual(DistillationScore.value(weight: 1, sizeRatio: 0.25, returnRatio: -3), 0.25)
    }

    func testAStudentBetterThanItsTeacherScoresBelowTheSizeTerm() {
        // P = 1.2 is not clipped: 0.5·1 + 0.5·(1 − 1.2) = 0.5 − 0.1 = 0.4 < a·S = 0.5.
        XCTAssertEqual(DistillationScore.value(weight: 0.5, sizeRatio: 1, returnRatio: 1.2), 0.4, accuracy: 1e-15)
        // Returns: random −1221 (Pendulum-v1), teacher −400, student −200: P = 1021/821 > 1.
        let ratio = try? XCTUnwrap(DistillationScore.returnRatio(student: -200, teacher: -400, random: -1221))
        XCTAssertEqual(ratio ?? .nan, 1021.0 / 821.0, accuracy: 1e-15)
    }

    func testNegativeReturnsAreNormalisedBeforeTheRatio() throws {
        // Pendulum-v1: random −1221, teacher −200, student −400. The plain ratio −400/−200 = 2 would rank the
        // worse student "twice as good"; normalised, P = (−400 + 1221)/(−200 + 1221) = 821/1021 ≈ 0.804.
        let ratio = try XCTUnwrap(DistillationScore.returnRatio(student: -400, teacher: -200, random: -1221))
        XCTAssertEqual(ratio, 821.0 / 1021.0, accuracy: 1e-15)
        // The reference return cancels: the same ratio from --normalise's scores (reference −152).
        let entry = NormalisationEntry(random: -1221, reference: -152)
        XCTAssertEqual(entry.normalise(-400) / entry.normalise(-200), ratio, accuracy: 1e-14)
        // a = 0.5, S = 0.5: 0.25 + 0.5·(200/1021) = 0.25 + 100/1021 ≈ 0.347943.
        XCTAssertEqual(DistillationScore.value(weight: 0.5, sizeRatio: 0.5, returnRatio: ratio),
                       0.3479431929480901, accuracy: 1e-15)
        // A student worse than random: P = (−1500 + 1221)/1021 = −279/1021 < 0, so DS > a·S + (1 − a).
        let worse = try XCTUnwrap(DistillationScore.returnRatio(student: -1500, teacher: -200, random: -1221))
        XCTAssertEqual(worse, -279.0 / 1021.0, accuracy: 1e-15)
    }

    func testTheReturnRatioNeedsATeacherBetterThanRandom() {
        XCTAssertNil(DistillationScore.returnRatio(student: -400, teacher: -1221, random: -1221))
        XCTAssertNil(DistillationScore.returnRatio(student: -400, teacher: -1300, random: -1221))
        XCTAssertNil(DistillationScore.returnRatio(student: .nan, teacher: -200, random: -1221))
    }

    func testParameterCountSumsTheNetworkTensorsOfAPolicyFile() {
        // A 3-32-1 actor with one layer norm: 3·32 + 32 + 32 + 32 + 32·1 + 1 = 225; the head's action.center is
        // not the network's.
        let tensors: [(name: String, count: Int)] = [
            ("network.layers.0.weight", 3 * 32), ("network.layers.0.bias", 32), ("network.layerNorms.0.gain", 32),
            ("network.layerNorms.0.bias", 32), ("network.layers.1.weight", 32 * 1), ("network.layers.1.bias", 1),
            ("action.center", 1), ("action.halfRange", 1),
        ]
        XCTAssertEqual(DistillationScore.parameterCount(tensors: tensors), 225)
        XCTAssertEqual(DistillationScore.parameterCount(tensors: []), 0)
    }

    // MARK: Fixtures

    /// Reads a fake policy file: `learner<k>/policy-final.duet` holding a parameter count as text.
    private static let fakeCounter: PolicyParameterCounter = { run, learner in
        let url = run.appendingPathComponent("learner\(learner)/policy-final.duet")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        guard let count = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ResultsError.unreadable(path: url.path, reason: "not a policy file")
        }
        return count
    }

    /// A run folder whose learners end at the given returns (evaluations at steps 0 and 1000, the first at −1100),
    /// with policy sizes when given and a teacher link in run.json when given.
    @discardableResult
    private func run(_ name: String, arm: String, seed: Int, task: String = "Pendulum-v1", finals: [Double],
                     sizes: [Int]? = nil, teacher: String? = nil, teacherPeer: Int? = nil) throws -> URL {
        let url = try folders.run(name, arm: arm, seed: seed, task: task,
                                  learners: finals.map { [(0, -1100), (1000, $0)] })
        if let sizes {
            for (learner, size) in sizes.enumerated() {
                try folders.write("\(size)\n", to: "\(name)/learner\(learner)/policy-final.duet")
            }
        }
        if let teacher {
            let peer = teacherPeer.map { ", \"teacherPeer\": \($0)" } ?? ""
            try folders.write("{\"arm\": \"\(arm)\", \"seed\": \(seed), \"env\": \"\(task)\", \"configuration\": "
                              + "{\"distillation\": {\"enabled\": true, \"teacher\": \"\(teacher)\"\(peer)}}}\n",
                              to: "\(name)/run.json")
        }
        return url
    }

    private func scores(_ folder: String, weight: Double = 0.5, referenceArms: Bool = false,
                        baseline: String? = nil) throws -> (Summary, DistillationScores) {
        let runs = try RunSet.load(from: [folders.root.appendingPathComponent(folder)])
        let scoreSet = try ScoreSet(runs: runs)
        var summary = try Summary(scores: scoreSet, options: SummaryOptions(
            bootstrap: StratifiedBootstrap(replicates: 50), baseline: baseline))
        let distillation = DistillationScores(
            scores: scoreSet, runs: runs, reference: summary.baseline,
            options: DistillationScoreOptions(weight: weight, scoresReferenceArms: referenceArms,
                                              bootstrap: StratifiedBootstrap(replicates: 50),
                                              parameterCount: Self.fakeCounter))
        summary.distillationScores = distillation
        return (summary, distillation)
    }

    /// Two students of arm `teacher-student`: seed 0 taught by a single-learner teacher (final −200, 4481
    /// parameters), seed 1 by learner 1 of a dual teacher (learner 0: −900, 100 parameters; learner 1: −200, 4481).
    /// Students: finals −400 and −300, 1217 parameters.
    private func writeTeacherStudy() throws {
        let single = try run("teachers/single", arm: "teacher", seed: 0, finals: [-200], sizes: [4481])
        let dual = try run("teachers/dual", arm: "teacher", seed: 1, finals: [-900, -200], sizes: [100, 4481])
        try run("students/s0", arm: "teacher-student", seed: 0, finals: [-400], sizes: [1217], teacher: single.path)
        try run("students/s1", arm: "teacher-student", seed: 1, finals: [-300], sizes: [1217], teacher: dual.path,
                teacherPeer: 1)
    }

    // MARK: Teacher runs

    func testTeacherRunsAreScoredAgainstTheirTeachers() throws {
        try writeTeacherStudy()
        let (_, distillation) = try scores("students")
        XCTAssertEqual(distillation.arms.count, 1)
        let row = try XCTUnwrap(distillation.arms.first)
        XCTAssertNil(row.unavailable)
        XCTAssertEqual(row.arm, "teacher-student")
        XCTAssertEqual(row.teacherRunCount, 2)
        XCTAssertNil(row.referenceArm)
        XCTAssertFalse(row.isSizeAssumed)
        // Random −1221: P0 = 821/1021, P1 = 921/1021 (learner 1 of the dual teacher, −200; learner 0's −900 would
        // give 921/321); S = 1217/4481 for both.
        assertClose(row.runs.map(\.returnRatio), [821.0 / 1021, 921.0 / 1021], relative: 1e-14)
        assertClose(row.runs.map(\.sizeRatio), [1217.0 / 4481, 1217.0 / 4481], relative: 1e-14)
        XCTAssertEqual(row.studentParameters, 1217)
        XCTAssertEqual(row.teacherParameters, 4481)
        // DS = 0.5·1217/4481 + 0.5·(1 − 1742/2042) = 0.1357956 + 0.0734574 = 0.2092530.
        XCTAssertEqual(try XCTUnwrap(row.value), 0.20925297605451773, accuracy: 1e-14)
        XCTAssertEqual(row.runs.map(\.teacher), [folders.root.appendingPathComponent("teachers/single").path,
                                                 folders.root.appendingPathComponent("teachers/dual").path])
    }

    func testTheWeightMovesTheScoreBetweenSizeAndReturn() throws {
        try writeTeacherStudy()
        // a = 1: S alone; a = 0: 1 − P̄ = 300/2042.
        XCTAssertEqual(try XCTUnwrap(try scores("students", weight: 1).1.arms.first?.value), 1217.0 / 4481,
                       accuracy: 1e-14)
        XCTAssertEqual(try XCTUnwrap(try scores("students", weight: 0).1.arms.first?.value), 300.0 / 2042,
                       accuracy: 1e-14)
    }

    // MARK: Reference arms

    /// An ablation: dual runs, seeds 0 and 1; off finals (−300, −500) and (−200, −400), means −400 and
    /// −300; on finals (−250, −350) and (−150, −250), means −300 and −200.
    private func writeAblation(onSizes: [Int]? = nil, offSizes: [Int]? = nil) throws {
        try run("ablation/off/0", arm: "distill-off", seed: 0, finals: [-300, -500], sizes: offSizes)
        try run("ablation/off/1", arm: "distill-off", seed: 1, finals: [-200, -400], sizes: offSizes)
        try run("ablation/on/0", arm: "distill-on", seed: 0, finals: [-250, -350], sizes: onSizes)
        try run("ablation/on/1", arm: "distill-on", seed: 1, finals: [-150, -250], sizes: onSizes)
    }

    func testTheOnArmIsScoredAgainstTheOffArmOnlyWhenAsked() throws {
        try writeAblation()
        XCTAssertEqual(try scores("ablation").1.arms, [])
        XCTAssertEqual(try scores("ablation").1.unavailable, "no run has a teacher (distillation.teacher in run.json)")

        let (_, distillation) = try scores("ablation", referenceArms: true)
        let row = try XCTUnwrap(distillation.arms.first)
        XCTAssertEqual(distillation.arms.count, 1, "the reference arm gets no row")
        XCTAssertEqual(row.arm, "distill-on")
        XCTAssertEqual(row.referenceArm, "distill-off")
        XCTAssertEqual(row.teacherDescription, "distill-off arm")
        // No policy files: S = 1 assumed. Reference mean −350; P = 921/871 and 1021/871, mean 971/871 > 1 (the
        // on arm beats its reference); DS = 0.5 + 0.5·(1 − 971/871) = 0.4425947.
        XCTAssertTrue(row.isSizeAssumed)
        XCTAssertNil(row.studentParameters)
        XCTAssertEqual(row.sizeRatio, 1)
        XCTAssertEqual(try XCTUnwrap(row.returnRatio), 971.0 / 871, accuracy: 1e-14)
        XCTAssertEqual(try XCTUnwrap(row.value), 0.4425947187141217, accuracy: 1e-14)
    }

    func testTheReferenceSizeComesFromPolicyFilesWhenEveryRunHasThem() throws {
        try writeAblation(onSizes: [1000, 1000], offSizes: [2000, 2000])
        let row = try XCTUnwrap(try scores("ablation", referenceArms: true).1.arms.first)
        // S = 1000/2000; DS = 0.25 + 0.5·(1 − 971/871) = 0.1925947.
        XCTAssertFalse(row.isSizeAssumed)
        XCTAssertEqual(row.sizeRatio, 0.5)
        XCTAssertEqual(try XCTUnwrap(row.value), 0.1925947187141217, accuracy: 1e-14)
    }

    func testTheBaselineChosenIsTheReference() throws {
        try writeAblation()
        let distillation = try scores("ablation", referenceArms: true, baseline: "distill-on").1
        XCTAssertEqual(distillation.arms.map(\.arm), ["distill-off"])
        // P = (−400 + 1221)/(−250 + 1221) and (−300 + 1221)/971: mean (821 + 921)/(2·971) = 871/971.
        XCTAssertEqual(try XCTUnwrap(distillation.arms.first?.returnRatio), 871.0 / 971, accuracy: 1e-14)
    }

    // MARK: Intervals

    /// Replicate by replicate, the arm's runs are drawn, then the reference arm's, whose mean is each drawn run's
    /// R_teacher. With the ablation (on: −300, −200; off: −400, −300; random −1221; S = 1):
    /// replicate 1 draws on (0, 0) and off (1, 1): P = 921/921, DS = 0.5; replicate 2 draws on (1, 1) and off
    /// (0, 0): P = 1021/821, DS = 0.5 + 0.5·(1 − 1021/821) = 0.5 − 100/821. At c = 0.5 the interval is the
    /// 25th and 75th percentiles of the two, by linear interpolation.
    func testTheIntervalResamplesTheArmAndItsReferenceArm() throws {
        try writeAblation()
        let row = try XCTUnwrap(try scores("ablation", referenceArms: true).1.arms.first)
        XCTAssertEqual(row.runs.map(\.studentReturn), [-300, -200])
        XCTAssertEqual(row.referenceReturns, [-400, -300])
        var indices = ReplayedIndices([0, 0, 1, 1, 1, 1, 0, 0])
        let interval = DistillationScores.interval(of: row, weight: 0.5,
                                                   bootstrap: StratifiedBootstrap(replicates: 2, confidence: 0.5),
                                                   using: &indices)
        XCTAssertEqual(indices.position, 8)
        let (low, high) = (0.5 - 100.0 / 821, 0.5)
        XCTAssertEqual(interval.lower, low + 0.25 * (high - low), accuracy: 1e-14)
        XCTAssertEqual(interval.upper, low + 0.75 * (high - low), accuracy: 1e-14)
        // The summary's own interval (its seed, 50 replicates) holds the score.
        XCTAssertTrue(try XCTUnwrap(row.interval).contains(try XCTUnwrap(row.value)))
    }

    /// Runs taught by teacher runs keep their P (a teacher run is one fixed run): only the students are drawn.
    func testTheIntervalOfTeacherRunsResamplesTheStudents() throws {
        try writeTeacherStudy()
        let row = try XCTUnwrap(try scores("students").1.arms.first)
        XCTAssertTrue(row.referenceReturns.isEmpty)
        var indices = ReplayedIndices([0, 1, 1, 1])
        let interval = DistillationScores.interval(of: row, weight: 0.5,
                                                   bootstrap: StratifiedBootstrap(replicates: 2, confidence: 0.5),
                                                   using: &indices)
        XCTAssertEqual(indices.position, 4)
        let both = try XCTUnwrap(row.value), second = row.runs[1].value
        let (low, high) = (min(both, second), max(both, second))
        XCTAssertEqual(interval.lower, low + 0.25 * (high - low), accuracy: 1e-14)
        XCTAssertEqual(interval.upper, low + 0.75 * (high - low), accuracy: 1e-14)
    }

    /// A replicate whose resampled reference mean is not above the random policy's has no P: the interval is then
    /// undefined (NaN), not narrowed by dropping it. Reference runs −200 and −2000 (mean −1100, above −1221);
    /// drawing −2000 twice is below it.
    func testAnUndefinedReplicateMakesTheIntervalUndefined() throws {
        try run("weak/off/0", arm: "distill-off", seed: 0, finals: [-200])
        try run("weak/off/1", arm: "distill-off", seed: 1, finals: [-2000])
        try run("weak/on/0", arm: "distill-on", seed: 0, finals: [-300])
        try run("weak/on/1", arm: "distill-on", seed: 1, finals: [-400])
        let (summary, distillation) = try scores("weak", referenceArms: true)
        let row = try XCTUnwrap(distillation.arms.first)
        XCTAssertNotNil(row.value)
        // The summary's 50 replicates draw −2000 twice in some of them (each with probability ¼): said so.
        XCTAssertTrue(summary.text().contains("  undefined†\n"), summary.text())
        XCTAssertTrue(summary.text().contains("† some bootstrap replicates' reference mean is not above the random "
                                              + "policy's return"), summary.text())
        var indices = ReplayedIndices([0, 1, 0, 0, 0, 1, 1, 1])
        let interval = DistillationScores.interval(of: row, weight: 0.5,
                                                   bootstrap: StratifiedBootstrap(replicates: 2), using: &indices)
        XCTAssertTrue(interval.lower.isNaN && interval.upper.isNaN, "\(interval)")
    }

    /// The interval in the three outputs: a `DS 95% CI` column, `distillation_score_lower`/`_upper` in CSV, and
    /// `distillation_score_interval` in JSON.
    func testTheIntervalIsInTheTextCSVAndJSON() throws {
        try writeAblation()
        let (summary, distillation) = try scores("ablation", referenceArms: true)
        let interval = try XCTUnwrap(distillation.arms.first?.interval)
        XCTAssertTrue(summary.text().contains("DS 95% CI"))
        XCTAssertTrue(summary.text().contains(String(format: "[%.3f, %.3f]", interval.lower, interval.upper)))
        let csv = summary.distillationCSV().split(separator: "\n").map { $0.split(separator: ",",
                                                                               omittingEmptySubsequences: false) }
        let lower = try XCTUnwrap(csv[0].firstIndex(of: "distillation_score_lower"))
        XCTAssertEqual(Double(String(csv[1][lower])), interval.lower)
        XCTAssertEqual(Double(String(csv[1][lower + 1])), interval.upper)
        XCTAssertTrue(summary.json().contains("\"distillation_score_interval\""))
    }

    // MARK: Unavailable scores

    func testATeacherFolderThatNoLongerExistsMakesTheScoreUnavailable() throws {
        try writeTeacherStudy()
        let gone = folders.root.appendingPathComponent("teachers/single")
        try FileManager.default.removeItem(at: gone)
        let (summary, distillation) = try scores("students")
        let row = try XCTUnwrap(distillation.arms.first)
        XCTAssertNil(row.value)
        let reason = try XCTUnwrap(row.unavailable)
        XCTAssertEqual(reason, "teacher folder \(gone.path) (distillation.teacher of "
                       + "\(folders.root.appendingPathComponent("students/s0").path)) no longer exists")
        XCTAssertTrue(summary.text().contains("score unavailable: Pendulum-v1 teacher-student: \(reason)\n"))
        XCTAssertFalse(reason.contains("\n"))
        // The rest of the summary is there.
        XCTAssertEqual(summary.arms.map(\.arm), ["teacher-student"])
    }

    func testMissingPolicyFilesUnknownTasksAndPoorTeachersAreNamed() throws {
        let teacher = try run("teachers/t", arm: "teacher", seed: 0, finals: [-200], sizes: [4481])
        try run("a/s0", arm: "student", seed: 0, finals: [-400], teacher: teacher.path)
        XCTAssertEqual(try scores("a").1.arms.first?.unavailable,
                       "\(folders.root.appendingPathComponent("a/s0").path)/learner0 has no final policy file")

        let other = try run("teachers/other", arm: "teacher", seed: 0, task: "MyTask-v0", finals: [10], sizes: [5])
        try run("b/s0", arm: "student", seed: 0, task: "MyTask-v0", finals: [5], sizes: [5], teacher: other.path)
        XCTAssertEqual(try scores("b").1.arms.first?.unavailable,
                       "no random-policy return for task 'MyTask-v0' (supply a normalisation CSV line "
                       + "'MyTask-v0,<random>,<reference>' with --normalisation)")

        let poor = try run("teachers/poor", arm: "teacher", seed: 0, finals: [-1300], sizes: [4481])
        try run("c/s0", arm: "student", seed: 0, finals: [-400], sizes: [1217], teacher: poor.path)
        XCTAssertEqual(try scores("c").1.arms.first?.unavailable,
                       "teacher \(poor.path)'s return -1300 is not above the random policy's -1221 on Pendulum-v1, "
                       + "so the return ratio is undefined")

        try run("d/s0", arm: "student", seed: 0, finals: [-400], sizes: [1217], teacher: teacher.path,
                teacherPeer: 3)
        XCTAssertEqual(try scores("d").1.arms.first?.unavailable,
                       "teacher \(teacher.path) has no learner3 (distillation.teacherPeer of "
                       + "\(folders.root.appendingPathComponent("d/s0").path); it has 1)")
    }

    // MARK: run.json

    func testTheTeacherLinkIsReadFromRunJSON() throws {
        try folders.write("{\"arm\": \"a\", \"seed\": 0, \"env\": \"Pendulum-v1\", \"configuration\": "
                          + "{\"distillation\": {\"teacher\": \"../t\"}}}", to: "r/run.json")
        try folders.write("step,episodes,return_mean,return_std,return_min,return_max\n0,1,-5,0,-5,-5\n",
                          to: "r/learner0/evaluations.csv")
        let run = try Run.load(from: folders.root.appendingPathComponent("r"))
        // A relative path is taken from the run folder; teacherPeer defaults to 0.
        XCTAssertEqual(run.teacher?.path, folders.root.appendingPathComponent("t").standardizedFileURL.path)
        XCTAssertEqual(run.teacher?.peer, 0)

        for (configuration, hasTeacher) in [("{\"distillation\": {\"teacher\": null}}", false),
                                            ("{\"distillation\": {\"teacher\": \"\"}}", false),
                                            ("{\"distillation\": {\"enabled\": false}}", false),
                                            ("{\"steps\": 10}", false),
                                            ("{\"distillation\": {\"teacher\": \"/x\", \"teacherPeer\": 2}}", true)] {
            try folders.write("{\"arm\": \"a\", \"seed\": 0, \"env\": \"Pendulum-v1\", \"configuration\": "
                              + configuration + "}", to: "r/run.json")
            let loaded = try Run.load(from: folders.root.appendingPathComponent("r"))
            XCTAssertEqual(loaded.teacher != nil, hasTeacher, configuration)
        }
        XCTAssertEqual(try Run.load(from: folders.root.appendingPathComponent("r")).teacher,
                       TeacherLink(url: URL(fileURLWithPath: "/x"), peer: 2))

        try folders.write("{\"arm\": \"a\", \"seed\": 0, \"env\": \"Pendulum-v1\", \"configuration\": "
                          + "{\"distillation\": {\"teacher\": \"/x\", \"teacherPeer\": -1}}}", to: "r/run.json")
        assertOneLineError(["r/run.json", "configuration.distillation.teacherPeer", "a non-negative integer"]) {
            _ = try Run.load(from: folders.root.appendingPathComponent("r"))
        }
        try folders.write("{\"arm\": \"a\", \"seed\": 0, \"env\": \"Pendulum-v1\", \"configuration\": "
                          + "{\"distillation\": {\"teacher\": 3}}}", to: "r/run.json")
        assertOneLineError(["r/run.json", "configuration.distillation.teacher", "a string"]) {
            _ = try Run.load(from: folders.root.appendingPathComponent("r"))
        }
    }

    // MARK: Rendering

    func testTextCSVAndJSONCarryTheScorePerArm() throws {
        try writeTeacherStudy()
        let (summary, distillation) = try scores("students")
        let text = summary.text()
        XCTAssertTrue(text.contains("DS = a·S + (1 − a)·(1 − P), a = 0.5."), text)
        // The interval lies between the two runs' scores (each replicate is a mean of them).
        let scored = try XCTUnwrap(distillation.arms.first)
        let interval = try XCTUnwrap(scored.interval)
        XCTAssertGreaterThanOrEqual(interval.lower, scored.runs.map(\.value).min()! - 1e-15)
        XCTAssertLessThanOrEqual(interval.upper, scored.runs.map(\.value).max()! + 1e-15)
        let bounds = String(format: "[%.3f, %.3f]", interval.lower, interval.upper)
        XCTAssertTrue(text.contains("""
            task         arm              teacher         runs  params  teacher params      S      P     DS  DS 95% CI
            -----------  ---------------  --------------  ----  ------  --------------  -----  -----  -----  --------------
            Pendulum-v1  teacher-student  2 teacher runs     2    1217            4481  0.272  0.853  0.209  \(bounds)

            """), text)

        let csv = summary.distillationCSV().split(separator: "\n").map(String.init)
        XCTAssertEqual(csv.first, Summary.distillationColumns.joined(separator: ","))
        XCTAssertEqual(csv.count, 2)
        let cells = csv[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let row = Dictionary(uniqueKeysWithValues: zip(Summary.distillationColumns, cells))
        XCTAssertEqual(row["arm"], "teacher-student")
        XCTAssertEqual(row["teacher_runs"], "2")
        XCTAssertEqual(row["student_parameters"], "1217")
        XCTAssertEqual(row["size_assumed"], "false")
        XCTAssertEqual(row["unavailable"], "")
        XCTAssertEqual(try XCTUnwrap(Double(row["distillation_score"] ?? "")), 0.20925297605451773, accuracy: 1e-14)

        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(summary.json().utf8)) as? [String: Any])
        let section = try XCTUnwrap(json["distillation_score"] as? [String: Any])
        XCTAssertEqual(section["weight"] as? Double, 0.5)
        let arm = try XCTUnwrap((section["arms"] as? [[String: Any]])?.first)
        XCTAssertEqual(try XCTUnwrap(arm["distillation_score"] as? Double), 0.20925297605451773, accuracy: 1e-14)
        let perRun = try XCTUnwrap(arm["per_run"] as? [[String: Any]])
        XCTAssertEqual(perRun.map { $0["student_return"] as? Double }, [-400, -300])
        XCTAssertEqual(perRun.map { $0["teacher_return"] as? Double }, [-200, -200])
        XCTAssertEqual(perRun.map { $0["random_return"] as? Double }, [-1221, -1221])
    }

    func testWithoutScoresTheOutputsAreUnchanged() throws {
        try writeAblation()
        let runs = try RunSet.load(from: [folders.root.appendingPathComponent("ablation")])
        let summary = try Summary(runs: runs, options: SummaryOptions(bootstrap: StratifiedBootstrap(replicates: 50)))
        XCTAssertFalse(summary.text().contains("Distillation score"))
        XCTAssertFalse(summary.json().contains("distillation_score"))
        XCTAssertEqual(summary.distillationCSV(), Summary.distillationColumns.joined(separator: ",") + "\n")
    }
}
