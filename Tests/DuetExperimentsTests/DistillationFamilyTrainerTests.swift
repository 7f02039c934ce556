import DuetConfiguration
import DuetExperiments
import DuetRunFormat
import Foundation
import XCTest

/// The distillation family in the trainer: every objective trains a pair end to end and reproducibly, switching
/// it off changes nothing but the distillation steps, bad combinations are refused with the key and what is
/// accepted, and a teacher-student run distils one way from a finished run's learner.
final class DistillationFamilyTrainerTests: TrainerTestCase {
    private static let pair = """
        env: Pendulum-v1
        steps: 600
        evaluation: {every: 200, episodes: 2}
        training: {bufferSize: 10000, learningStarts: 100, updateLogInterval: 100}
        learner: {algorithm: td3, hidden: [16, 16], batchSize: 16, noise: {kind: gaussian, scale: 0.1}}
        distillation: {alpha: 1.0, batchSize: 16, alternationSteps: 200}
        """

    private static let sacPair = """
        env: Pendulum-v1
        steps: 600
        evaluation: {every: 200, episodes: 2}
        training: {bufferSize: 10000, learningStarts: 100, updateLogInterval: 100}
        learner: {algorithm: sac, hidden: [16, 16], batchSize: 16}
        distillation: {alpha: 1.0, batchSize: 16, alternationSteps: 200, objective: kl}
        """

    /// The `distillation_steps` column of a run's `distillation.csv`, summed.
    private func distillationSteps(_ run: URL) throws -> Int {
        let lines = try contents(run, "distillation.csv").split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let column = try XCTUnwrap(header.firstIndex(of: "distillation_steps"))
        return lines.dropFirst().reduce(0) { total, line in
            total + (Int(line.split(separator: ",", omittingEmptySubsequences: false)[column]) ?? 0)
        }
    }

    func testEveryObjectiveTrainsAPairReproducibly() throws {
        let settings: [(String, [String])] = [
            ("relations-actions", ["distillation.objective=relations"]),
            ("relations-hidden", ["distillation.objective=relations", "distillation.relations.features=hidden"]),
            ("layer-relations", ["distillation.objective=layer-relations"]),
            ("smoothing", ["distillation.smoothing=2"]),
        ]
        for (name, overrides) in settings {
            let first = try train(configuration(Self.pair, overrides), name: name + "-a")
            let second = try train(configuration(Self.pair, overrides), name: name + "-b")
            XCTAssertGreaterThan(try distillationSteps(first), 0, name)
            for log in ["distillation.csv", "learner0/updates.csv", "learner1/evaluations.csv"] {
                XCTAssertEqual(try contents(first, log), try contents(second, log), "\(name): \(log)")
            }
            // The objective changes the learning: learner 0's evaluations differ from action matching's.
            let plain = try train(configuration(Self.pair), name: name + "-plain")
            XCTAssertNotEqual(try contents(first, "learner0/updates.csv"), try contents(plain, "learner0/updates.csv"),
                              name)
        }
        let kl = try train(configuration(Self.sacPair), name: "kl")
        XCTAssertGreaterThan(try distillationSteps(kl), 0)
        XCTAssertEqual(try contents(kl, "distillation.csv"),
                       try contents(train(configuration(Self.sacPair), name: "kl-b"), "distillation.csv"))
        // Under gSDE the KL compares the marginals over the exploration matrix.
        let gSDE = ["learner.stateDependentExploration={}"]
        let stateDependent = try train(configuration(Self.sacPair, gSDE), name: "kl-gsde")
        XCTAssertGreaterThan(try distillationSteps(stateDependent), 0)
        XCTAssertEqual(try contents(stateDependent, "distillation.csv"),
                       try contents(train(configuration(Self.sacPair, gSDE), name: "kl-gsde-b"), "distillation.csv"))
    }

    /// Peers of widths 16 and 64 (`peers:`) distil through relations of their last hidden layers, which have no
    /// common width: the pair trains, and the relations' loss on the diagnostic batches (the same estimator in
    /// both arms) is lower, summed over the run, with distillation on than off.
    func testRelationsDistilBetweenPeersOfDifferentWidths() throws {
        let yaml = """
            env: Pendulum-v1
            steps: 800
            evaluation: {every: 400, episodes: 2}
            training: {bufferSize: 10000, learningStarts: 100, updateLogInterval: 100}
            peers:
              - learner: {algorithm: td3, hidden: [16, 16], batchSize: 16, noise: {kind: gaussian, scale: 0.1}}
              - learner: {algorithm: td3, hidden: [64, 64], batchSize: 16, noise: {kind: gaussian, scale: 0.1}}
            distillation: {batchSize: 16, alternationSteps: 200, objective: relations, weighting: uniform,
                           learningRate: 1.0e-3, relations: {features: hidden}}
            """
        /// The diagnostic losses of a run, every learner and interval.
        func losses(_ run: URL) throws -> [Double] {
            let lines = try contents(run, "distillation.csv").split(separator: "\n").map(String.init)
            let column = try XCTUnwrap(lines[0].split(separator: ",").map(String.init).firstIndex(of: "loss"))
            return lines.dropFirst().compactMap { Double($0.split(separator: ",", omittingEmptySubsequences: false)[column]) }
        }
        let on = try train(configuration(yaml), name: "widths-on")
        let off = try train(configuration(yaml, ["distillation.enabled=false"]), name: "widths-off")
        XCTAssertGreaterThan(try distillationSteps(on), 0)
        let (onLosses, offLosses) = (try losses(on), try losses(off))
        XCTAssertEqual(onLosses.count, offLosses.count)
        XCTAssertGreaterThan(onLosses.count, 4)
        XCTAssertTrue(onLosses.allSatisfy(\.isFinite))
        XCTAssertLessThan(onLosses.reduce(0, +), offLosses.reduce(0, +), "on \(onLosses), off \(offLosses)")
    }

    /// Off, a family objective leaves each learner exactly as a single learner (the diagnostic batches draw from
    /// their own stream).
    func testLayerRelationsOffLeaveEachLearnerIdenticalToASingleRun() throws {
        try assertDistillationOffLeavesEachLearnerIdenticalToASingleRun(Self.pair.replacingOccurrences(
            of: "alternationSteps: 200}", with: "alternationSteps: 200, objective: layer-relations}"))
    }

    func testSmoothingOffLeavesEachLearnerIdenticalToASingleRun() throws {
        try assertDistillationOffLeavesEachLearnerIdenticalToASingleRun(Self.pair.replacingOccurrences(
            of: "alternationSteps: 200}", with: "alternationSteps: 200, smoothing: 2}"))
    }

    func testBadCombinationsAreRefusedNamingTheKey() {
        let cases: [(String, [String], String)] = [
            (Self.pair, ["distillation.objective=kl"], "distillation.objective"),
            (Self.pair, ["distillation.objective=pairs"], "relations, layer-relations, kl"),
            (Self.pair, ["distillation.objective=relations", "distillation.smoothing=2"], "distillation.smoothing"),
            (Self.pair, ["distillation.smoothing=0"], "distillation.smoothing"),
            (Self.pair, ["distillation.objective=layer-relations", "learner.hidden=[16]"], "distillation.objective"),
            (Self.pair, ["distillation.objective=relations", "distillation.batchSize=1"], "distillation.batchSize"),
            (Self.pair, ["distillation.relations.distance=-1"], "distillation.relations.distance"),
            (Self.pair, ["distillation.relations.width=3"], "width"),
            (Self.pair, ["distillation.teacher=runs/x", "peer.algorithm=sac"], "distillation.teacher"),
            (Self.sacPair, ["peer.algorithm=td3"], "distillation.objective"),
        ]
        for (yaml, overrides, expected) in cases {
            XCTAssertThrowsError(try configuration(yaml, overrides), overrides.joined(separator: " ")) { error in
                XCTAssertTrue(String(describing: error).contains(expected),
                              "\(overrides): \(error) does not name \(expected)")
            }
        }
    }

    // MARK: Teacher-student

    private static let single = """
        env: Pendulum-v1
        steps: 400
        evaluation: {every: 200, episodes: 2}
        training: {bufferSize: 10000, learningStarts: 100, updateLogInterval: 100}
        learner: {algorithm: td3, hidden: [16, 16], batchSize: 16, noise: {kind: gaussian, scale: 0.1}}
        """

    /// Trains `yaml` as `duet train` does (run.json, status, checkpoint) into `scratch/name`.
    private func session(_ yaml: String, name: String, overrides: [String] = []) throws -> URL {
        let file = scratch.appendingPathComponent(name + ".yaml")
        try Data(yaml.utf8).write(to: file)
        let output = scratch.appendingPathComponent(name)
        _ = try TrainingSession(configurationPath: file.path, overrides: overrides, seed: 3, output: output.path,
                                duetVersion: "test").run()
        return output
    }

    func testAStudentDistilsOneWayFromAFinishedRun() throws {
        let teacher = try session(Self.single, name: "teacher")
        let teacherFiles = try snapshot(of: teacher)
        let student = Self.single + "\ndistillation: {batchSize: 16, teacher: \(teacher.path)}\n"
        let on = try session(student, name: "student-on")
        XCTAssertGreaterThan(try distillationSteps(on), 0)
        let rows = try contents(on, "distillation.csv").split(separator: "\n").dropFirst()
        XCTAssertTrue(rows.allSatisfy { $0.split(separator: ",")[2] == "teacher" })
        XCTAssertFalse(FileManager.default.fileExists(atPath: on.appendingPathComponent("learner1").path))
        // Off, the student is the single learner, log for log; on, it learns otherwise.
        let off = try session(student, name: "student-off", overrides: ["distillation.enabled=false"])
        let alone = try session(Self.single, name: "alone")
        for log in learnerLogs {
            XCTAssertEqual(try contents(off, "learner0/" + log), try contents(alone, "learner0/" + log), log)
        }
        XCTAssertNotEqual(try contents(on, "learner0/updates.csv"), try contents(alone, "learner0/updates.csv"))
        // The teacher's folder is read, never written.
        XCTAssertEqual(try snapshot(of: teacher), teacherFiles)
    }

    /// Every file below `folder` with its bytes.
    private func snapshot(of folder: URL) throws -> [String: Data] {
        let paths = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: folder.path))
        var files: [String: Data] = [:]
        for path in paths {
            var isDirectory: ObjCBool = false
            let url = folder.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try Data(contentsOf: url)
            }
        }
        return files
    }

    /// The teacher is loaded before any run folder exists: a missing folder, a run on another task, a peer it
    /// does not have, an unfinished run are one-line errors naming `distillation.teacher`, and leave nothing.
    func testUnusableTeachersAreRefusedBeforeTheRunFolderExists() throws {
        let teacher = try session(Self.single, name: "teacher")
        let cases: [(String, String)] = [
            ("distillation: {teacher: \(scratch.path)/missing}", "not a readable run folder"),
            ("distillation: {teacher: \(teacher.path), teacherPeer: 1}", "no learner1"),
        ]
        for (index, (block, reason)) in cases.enumerated() {
            let name = "bad-\(index)"
            XCTAssertThrowsError(try session(Self.single + "\n" + block + "\n", name: name)) { error in
                let message = String(describing: error)
                XCTAssertTrue(message.hasPrefix("distillation.teacher: "), message)
                XCTAssertTrue(message.contains(reason), message)
                XCTAssertFalse(message.contains("\n"), message)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent(name).path))
        }
        // A one-layer teacher has no layer relations to give a two-layer student.
        let shallow = try session(Self.single, name: "shallow", overrides: ["learner.hidden=[16]"])
        XCTAssertThrowsError(try session(Self.single + "\ndistillation: {teacher: \(shallow.path), objective: layer-relations}\n",
                                         name: "layers")) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("cannot teach this learner") && message.contains("layer-relations"), message)
        }
        let otherTask = Self.single.replacingOccurrences(of: "Pendulum-v1", with: "MountainCarContinuous-v0")
            + "\ndistillation: {teacher: \(teacher.path)}\n"
        XCTAssertThrowsError(try session(otherTask, name: "other")) { error in
            XCTAssertTrue(String(describing: error).contains("trained on Pendulum-v1"), "\(error)")
        }
        try Data(#"{"state":"running","checkpointStep":0}"#.utf8)
            .write(to: teacher.appendingPathComponent(RunFormat.statusFile))
        XCTAssertThrowsError(try session(Self.single + "\ndistillation: {teacher: \(teacher.path)}\n",
                                         name: "unfinished")) { error in
            XCTAssertTrue(String(describing: error).contains("has not finished"), "\(error)")
        }
    }
}
