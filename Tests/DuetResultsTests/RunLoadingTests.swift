import DuetResults
import XCTest

/// Reading run folders, and the one-line errors (naming the file) for bad input.
final class RunLoadingTests: XCTestCase {
    var folders: RunFolders!

    override func setUpWithError() throws { folders = try RunFolders() }
    override func tearDown() { folders.remove() }

    func testReadsASingleAndADualRun() throws {
        try folders.run("runs/a", arm: "single", seed: 1, learners: [[(1000, -900), (2000, -400)]])
        try folders.run("runs/b", arm: "distill-on", seed: 2, task: "MountainCarContinuous-v0",
                        learners: [[(1000, 10), (2000, 50)], [(1000, 20), (2000, 90)]],
                        distillation: [(500, 0, 0.4, 0.3), (500, 1, 0.6, 0.3)])
        let set = try RunSet.load(from: [folders.root.appendingPathComponent("runs")], readingDistillation: true)
        XCTAssertEqual(set.runs.count, 2)
        XCTAssertEqual(set.arms, ["distill-on", "single"])
        XCTAssertEqual(set.tasks, ["MountainCarContinuous-v0", "Pendulum-v1"])
        let dual = try XCTUnwrap(set.runs.first { $0.metadata.arm == "distill-on" })
        XCTAssertEqual(dual.metadata, RunLabel(arm: "distill-on", seed: 2, task: "MountainCarContinuous-v0"))
        XCTAssert(dual.isDual)
        XCTAssertEqual(dual.learners[1].map(\.returnMean), [20, 90])
        XCTAssertEqual(dual.learners[1][0].returnMaximum, 23)
        XCTAssertEqual(dual.distillation?.count, 2)
        XCTAssertEqual(dual.distillation?[1].fractionDisadvantageous, 0.6)
        XCTAssertEqual(try dual.episodes(learner: 0).first?.episodeReturn, -1200.5)
        XCTAssertEqual(try dual.curve(.combined(.mean)).values, [15, 70])
        XCTAssertEqual(try dual.curve(.combined(.max)).values, [20, 90])
        XCTAssertEqual(try dual.curve(.learner(1)).values, [20, 90])
        let single = try XCTUnwrap(set.runs.first { $0.metadata.arm == "single" })
        XCTAssertFalse(single.isDual)
        XCTAssertNil(single.distillation)
        XCTAssertEqual(try single.curve(.combined(.max)).values, [-900, -400])
    }

    func testExtraColumnsAndKeysAreIgnoredAndColumnsFoundByName() throws {
        try folders.write("{\"arm\": \"x\", \"seed\": 3, \"env\": \"Pendulum-v1\", \"config\": {\"a\": 1}}",
                          to: "r/run.json")
        try folders.write("return_mean,step,episodes,return_std,return_min,return_max,wall_seconds\r\n"
                          + "-500.5,1000,5,1,-600,-400,12.5\r\n", to: "r/learner0/evaluations.csv")
        let run = try Run.load(from: folders.root.appendingPathComponent("r"))
        XCTAssertEqual(run.learners[0].first?.step, 1000)
        XCTAssertEqual(run.learners[0].first?.returnMean, -500.5)
    }

    func testAHalfWrittenLastLineIsDroppedWithAWarning() throws {
        try folders.write("{\"arm\": \"x\", \"seed\": 3, \"env\": \"Pendulum-v1\"}", to: "r/run.json")
        try folders.write("step,episodes,return_mean,return_std,return_min,return_max\n1000,5,-500,1,-600,-400\n2000,5,-4",
                          to: "r/learner0/evaluations.csv")
        let run = try Run.load(from: folders.root.appendingPathComponent("r"))
        XCTAssertEqual(run.learners[0].map(\.step), [1000])
        XCTAssertEqual(run.warnings.count, 1)
        XCTAssert(run.warnings[0].description.contains("evaluations.csv:3"))
    }

    func testDiscoverySkipsHiddenFoldersAndRejectsDuplicates() throws {
        try folders.run("runs/a", arm: "x", seed: 1, learners: [[(1000, 1)]])
        try folders.run("runs/.a.replaced-123", arm: "x", seed: 1, learners: [[(1000, 1)]])
        XCTAssertEqual(try RunSet.load(from: [folders.root.appendingPathComponent("runs")]).runs.count, 1)
        try folders.run("runs/nested/b", arm: "x", seed: 1, learners: [[(1000, 1)]])
        assertOneLineError(["runs/nested/b", "runs/a", "seed 1"]) {
            _ = try RunSet.load(from: [self.folders.root.appendingPathComponent("runs")])
        }
    }

    // MARK: Errors: one line, naming the file

    func testMissingRunJSON() throws {
        try folders.write("step,episodes,return_mean,return_std,return_min,return_max\n", to: "r/learner0/evaluations.csv")
        assertOneLineError(["r/run.json", "missing"]) { _ = try Run.load(from: self.folders.root.appendingPathComponent("r")) }
    }

    func testEmptyFolderHasNoRuns() throws {
        try FileManager.default.createDirectory(at: folders.root.appendingPathComponent("empty"),
                                                withIntermediateDirectories: true)
        assertOneLineError(["empty", "no run folders"]) {
            _ = try RunSet.load(from: [self.folders.root.appendingPathComponent("empty")])
        }
    }

    func testBadRunJSON() throws {
        let cases: [(String, [String])] = [
            ("{\"arm\": \"x\", \"seed\": 1", ["run.json", "not a valid JSON object"]),
            ("[1, 2]", ["run.json", "not a valid JSON object"]),
            ("{\"seed\": 1, \"env\": \"P\"}", ["run.json", "missing required key 'arm'"]),
            ("{\"arm\": \"x\", \"seed\": 1.5, \"env\": \"P\"}", ["run.json", "'seed'", "non-negative integer"]),
            ("{\"arm\": \"x\", \"seed\": -1, \"env\": \"P\"}", ["run.json", "'seed'"]),
            ("{\"arm\": \"x\", \"seed\": \"1\", \"env\": \"P\"}", ["run.json", "'seed'"]),
            ("{\"arm\": 3, \"seed\": 1, \"env\": \"P\"}", ["run.json", "'arm'", "string"]),
            ("{\"arm\": \"x\", \"seed\": 1}", ["run.json", "'env'"]),
        ]
        for (index, (text, fragments)) in cases.enumerated() {
            try folders.write(text, to: "r\(index)/run.json")
            try folders.write("step,episodes,return_mean,return_std,return_min,return_max\n1,1,1,0,1,1\n",
                              to: "r\(index)/learner0/evaluations.csv")
            assertOneLineError(fragments) { _ = try Run.load(from: self.folders.root.appendingPathComponent("r\(index)")) }
        }
    }

    func testMissingLearnerFolderAndEvaluations() throws {
        try folders.write("{\"arm\": \"x\", \"seed\": 1, \"env\": \"P\"}", to: "r/run.json")
        assertOneLineError(["/r", "no learner0/"]) { _ = try Run.load(from: self.folders.root.appendingPathComponent("r")) }
        try FileManager.default.createDirectory(at: folders.root.appendingPathComponent("r/learner0"),
                                                withIntermediateDirectories: true)
        assertOneLineError(["r/learner0/evaluations.csv", "missing"]) {
            _ = try Run.load(from: self.folders.root.appendingPathComponent("r"))
        }
    }

    func testGarbledEvaluations() throws {
        let header = "step,episodes,return_mean,return_std,return_min,return_max\n"
        let cases: [(String, [String])] = [
            ("", ["evaluations.csv", "empty file"]),
            (header, ["evaluations.csv", "no evaluations"]),
            ("step,episodes,mean\n1,2,3\n", ["evaluations.csv", "'return_mean'", "'return_std'"]),
            (header + "1000,5,-1,0,-1,-1\n2000,5,-1,0\n3000,5,-1,0,-1,-1\n",
             ["evaluations.csv:3", "expected 6", "found 4"]),
            (header + "1000,5,abc,0,-1,-1\n", ["evaluations.csv:2", "'return_mean'", "'abc'", "not a number"]),
            (header + "1000,5,nan,0,-1,-1\n", ["evaluations.csv:2", "'return_mean'"]),
            (header + "1000.5,5,1,0,-1,-1\n", ["evaluations.csv:2", "'step'", "integer"]),
            (header + "2000,5,1,0,1,1\n1000,5,1,0,1,1\n", ["evaluations.csv:3", "step 1000", "2000"]),
            (header + "2000,5,1,0,1,1\n2000,5,1,0,1,1\n", ["evaluations.csv:3", "does not increase"]),
        ]
        for (index, (text, fragments)) in cases.enumerated() {
            try folders.write("{\"arm\": \"x\", \"seed\": 1, \"env\": \"P\"}", to: "g\(index)/run.json")
            try folders.write(text, to: "g\(index)/learner0/evaluations.csv")
            assertOneLineError(["g\(index)/learner0/"] + fragments) {
                _ = try Run.load(from: self.folders.root.appendingPathComponent("g\(index)"))
            }
        }
    }

    func testGarbledDistillationLog() throws {
        try folders.run("r", arm: "x", seed: 1, learners: [[(1000, 1)], [(1000, 2)]])
        try folders.write("step,learner,loss\n1,0,0.5\n", to: "r/distillation.csv")
        assertOneLineError(["r/distillation.csv", "'fraction_disadvantageous'", "'action_distance'"]) {
            _ = try Run.load(from: self.folders.root.appendingPathComponent("r"), readingDistillation: true)
        }
        try folders.write(DistillationRecord.columns.joined(separator: ",") + "\n1,2,0,0,0,0,0,0\n",
                          to: "r/distillation.csv")
        assertOneLineError(["r/distillation.csv:2", "'learner'", "below 2"]) {
            _ = try Run.load(from: self.folders.root.appendingPathComponent("r"), readingDistillation: true)
        }
        // Not read unless asked for.
        XCTAssertNil(try Run.load(from: folders.root.appendingPathComponent("r")).distillation)
    }

    func testAskingForAMissingLearner() throws {
        try folders.run("r", arm: "x", seed: 1, learners: [[(1000, 1)]])
        let run = try Run.load(from: folders.root.appendingPathComponent("r"))
        assertOneLineError(["/r", "no learner1", "1 learner"]) { _ = try run.curve(.learner(1)) }
    }
}
