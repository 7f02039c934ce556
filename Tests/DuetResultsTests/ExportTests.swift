import DuetResults
import XCTest

/// The long (tidy) and wide curve exports.
final class ExportTests: XCTestCase {
    var folders: RunFolders!
    var runs: RunSet!

    override func setUpWithError() throws {
        folders = try RunFolders()
        try folders.run("runs/r1", arm: "A", seed: 1, learners: [[(1000, 1), (2000, 2)]])
        try folders.run("runs/r2", arm: "A", seed: 2, learners: [[(1000, 3)]])
        runs = try RunSet.load(from: [folders.root.appendingPathComponent("runs")])
    }

    override func tearDown() { folders.remove() }

    func testTidyCSVWithoutBands() throws {
        let csv = try CurveSet(runs: runs, options: CurveOptions(bootstrap: nil)).tidyCSV()
        XCTAssertEqual(csv, """
            task,arm,learners,scale,smoothing,step,quantity,seed,value
            Pendulum-v1,A,mean,return,1,1000,count,,2
            Pendulum-v1,A,mean,return,1,1000,mean,,2
            Pendulum-v1,A,mean,return,1,1000,median,,2
            Pendulum-v1,A,mean,return,1,1000,iqm,,2
            Pendulum-v1,A,mean,return,1,1000,run,1,1
            Pendulum-v1,A,mean,return,1,1000,run,2,3
            Pendulum-v1,A,mean,return,1,2000,count,,1
            Pendulum-v1,A,mean,return,1,2000,mean,,2
            Pendulum-v1,A,mean,return,1,2000,median,,2
            Pendulum-v1,A,mean,return,1,2000,iqm,,2
            Pendulum-v1,A,mean,return,1,2000,run,1,2

            """)
    }

    func testBandColumnsAndWideCSV() throws {
        let set = try CurveSet(runs: runs, options: CurveOptions(selection: .learner(0),
                                                                 bootstrap: StratifiedBootstrap(replicates: 100)))
        let tidy = set.tidyCSV().split(separator: "\n")
        XCTAssert(tidy.contains { $0.hasPrefix("Pendulum-v1,A,learner0,return,1,1000,iqm_lower,,") })
        XCTAssert(tidy.contains { $0.hasPrefix("Pendulum-v1,A,learner0,return,1,2000,iqm_upper,,2") })
        let wide = set.wideCSV().split(separator: "\n")
        XCTAssertEqual(wide[0], "task,arm,learners,scale,smoothing,step,count,mean,median,iqm,iqm_lower,iqm_upper")
        XCTAssertEqual(wide.count, 3)
        XCTAssert(wide[2].hasPrefix("Pendulum-v1,A,learner0,return,1,2000,1,2,2,2,2,2"))
    }

    func testFieldsThatNeedQuotingAreQuoted() throws {
        try folders.run("odd/r", arm: "arm, with comma", seed: 1, learners: [[(1000, 1)]])
        let set = try CurveSet(runs: try RunSet.load(from: [folders.root.appendingPathComponent("odd")]),
                               options: CurveOptions(bootstrap: nil))
        XCTAssert(set.tidyCSV().contains("Pendulum-v1,\"arm, with comma\",mean"))
    }

    func testPerRunScoresCSV() throws {
        let table = NormalisationTable(["Pendulum-v1": NormalisationEntry(random: 0, reference: 4)])
        let scores = try ScoreSet(runs: runs, options: ScoreOptions(metric: .best, normalisation: table))
        let lines = scores.csv().split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "task,arm,seed,metric,learners,scale,last_step,return,score,path")
        XCTAssertEqual(lines[1], "Pendulum-v1,A,1,best,mean,normalised,2000,2,0.5,\(runs.runs[0].path)")
        XCTAssertEqual(lines[2], "Pendulum-v1,A,2,best,mean,normalised,1000,3,0.75,\(runs.runs[1].path)")
    }
}
