import Foundation

/// The runs found under one or more folders, sorted by path.
///
/// A folder that holds `run.json` is a run folder; any other folder is searched recursively for run folders
/// (without descending into a run folder, and skipping hidden folders such as a run folder being replaced).
/// Two runs with the same arm, task and seed are an error: pooling a run twice would shrink every interval.
public struct RunSet: Sendable {
    /// The runs, sorted by path.
    public var runs: [Run]

    /// The runs `runs`, sorted by path.
    /// - Throws: ``ResultsError/duplicateRun(path:other:arm:task:seed:)`` for two runs alike in arm, task and seed.
    public init(_ runs: [Run]) throws {
        self.runs = runs.sorted { $0.path < $1.path }
        var seen: [RunLabel: String] = [:]
        for run in self.runs {
            if let other = seen[run.metadata] {
                throw ResultsError.duplicateRun(path: run.path, other: other, arm: run.metadata.arm,
                                                task: run.metadata.task, seed: run.metadata.seed)
            }
            seen[run.metadata] = run.path
        }
    }

    /// Reads every run folder under `folders`.
    /// - Parameter readingDistillation: also read each run's `distillation.csv` (for diagnostics).
    /// - Throws: ``ResultsError/noRuns(path:)`` for a folder without runs; the first run's reading error.
    public static func load(from folders: [URL], readingDistillation: Bool = false) throws -> RunSet {
        var runs: [Run] = []
        for folder in folders {
            let found = try runFolders(under: folder)
            guard !found.isEmpty else { throw ResultsError.noRuns(path: folder.path) }
            for runFolder in found { runs.append(try Run.load(from: runFolder, readingDistillation: readingDistillation)) }
        }
        return try RunSet(runs)
    }

    /// The run folders at or below `folder`, sorted by path.
    public static func runFolders(under folder: URL) throws -> [URL] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ResultsError.missingFile(path: folder.path, expected: "a folder of runs")
        }
        if manager.fileExists(atPath: folder.appendingPathComponent("run.json").path) { return [folder] }
        let children: [String]
        do {
            children = try manager.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw ResultsError.unreadable(path: folder.path, reason: error.localizedDescription)
        }
        var found: [URL] = []
        for child in children where !child.hasPrefix(".") {
            let url = folder.appendingPathComponent(child)
            var childIsDirectory: ObjCBool = false
            if manager.fileExists(atPath: url.path, isDirectory: &childIsDirectory), childIsDirectory.boolValue {
                found += try runFolders(under: url)
            }
        }
        return found
    }

    /// The arms, sorted.
    public var arms: [String] { Array(Set(runs.map(\.metadata.arm))).sorted() }
    /// The tasks, sorted.
    public var tasks: [String] { Array(Set(runs.map(\.metadata.task))).sorted() }

    /// Problems met while reading the runs.
    public var warnings: [ResultsWarning] { runs.flatMap(\.warnings) }
}
