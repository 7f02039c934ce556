import DuetRunFormat
import XCTest

/// The run format is a contract with every run folder already written: these are its names, spelled out.
final class RunFormatTests: XCTestCase {
    func testFileNamesAndFolders() {
        XCTAssertEqual(RunFormat.runRecordFile, "run.json")
        XCTAssertEqual(RunFormat.timingFile, "timing.json")
        XCTAssertEqual(RunFormat.distillationFile, "distillation.csv")
        XCTAssertEqual([RunFormat.episodesFile, RunFormat.evaluationsFile, RunFormat.updatesFile],
                       ["episodes.csv", "evaluations.csv", "updates.csv"])
        XCTAssertEqual(RunFormat.learnerFolder(0), "learner0")
        XCTAssertEqual(RunFormat.learnerFolder(12), "learner12")
    }

    func testColumns() {
        XCTAssertEqual(RunFormat.episodeColumns.joined(separator: ","), "step,episode,return,length")
        XCTAssertEqual(RunFormat.evaluationColumns.joined(separator: ","),
                       "step,episodes,return_mean,return_std,return_min,return_max")
        XCTAssertEqual(RunFormat.distillationColumns.joined(separator: ","),
                       "step,learner,peer,loss,mean_disadvantage,fraction_disadvantageous,max_weight,"
                           + "effective_sample_size,action_distance")
        XCTAssertEqual(RunFormat.distillationExtraColumns.joined(separator: ","),
                       "distillation_steps,step_loss,step_mean_disadvantage,step_fraction_disadvantageous,"
                           + "step_max_weight,step_effective_sample_size,step_action_distance,own_value_mean,"
                           + "peer_value_mean,disadvantage_q1,disadvantage_median,disadvantage_q3")
        for columns in [RunFormat.episodeColumns, RunFormat.evaluationColumns,
                        RunFormat.distillationColumns + RunFormat.distillationExtraColumns] {
            XCTAssertEqual(Set(columns).count, columns.count, "duplicate column in \(columns)")
        }
    }

    func testRunKeys() {
        XCTAssertEqual(RunFormat.RunKey.allCases.map(\.rawValue),
                       ["arm", "seed", "env", "learners", "configurationFile", "duetVersion", "gitCommit",
                        "configuration"])
    }
}
