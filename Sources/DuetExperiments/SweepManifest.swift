import Foundation

/// A sweep's files in its output folder: `manifest.tsv`, one line per run (index, run folder, the full `duet`
/// command, tab-separated, after a header line), for people and for tools such as GNU parallel or a job array;
/// and `plan.json`, the same plan as data (the experiment file, seeds, grid, arms, overrides and every run),
/// which `duet sweep --manifest manifest.tsv --task i` reads to run row i.
public enum SweepManifest {
    /// The manifest's file name.
    public static let manifestFile = "manifest.tsv"
    /// The machine-readable plan's file name, beside the manifest.
    public static let planFile = "plan.json"
    /// The manifest's header line.
    public static let header = ["index", "folder", "command"]

    /// The text of `manifest.tsv`.
    public static func manifestText(_ plan: SweepPlan) -> String {
        var text = header.joined(separator: "\t") + "\n"
        for run in plan.runs {
            text += "\(run.index)\t\(run.folder)\t\(command(["duet"] + run.arguments))\n"
        }
        return text
    }

    /// The text of `plan.json`: keys sorted, so the same plan always gives the same bytes.
    public static func planText(_ plan: SweepPlan) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(plan), as: UTF8.self) + "\n"
    }

    /// Writes both files into the plan's output folder, creating it. A folder that already holds a plan must
    /// hold this one (then the files are left as they are): a sweep never takes over another sweep's folder.
    /// - Throws: ``SweepError/otherSweep(path:)``, ``SweepError/cannotWrite(path:reason:)``.
    public static func write(_ plan: SweepPlan) throws {
        guard try !isWritten(plan) else { return }
        let folder = URL(fileURLWithPath: plan.output)
        let planURL = folder.appendingPathComponent(planFile)
        let text = try planText(plan)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(manifestText(plan).utf8).write(to: folder.appendingPathComponent(manifestFile), options: .atomic)
            try Data(text.utf8).write(to: planURL, options: .atomic)
        } catch {
            throw SweepError.cannotWrite(path: plan.output, reason: error.localizedDescription)
        }
    }

    /// Whether the plan's output folder already holds this plan (false: it holds none).
    /// - Throws: ``SweepError/otherSweep(path:)`` when it holds another one.
    public static func isWritten(_ plan: SweepPlan) throws -> Bool {
        let planURL = URL(fileURLWithPath: plan.output).appendingPathComponent(planFile)
        guard let existing = FileManager.default.contents(atPath: planURL.path) else { return false }
        guard String(decoding: existing, as: UTF8.self) == (try planText(plan)) else {
            throw SweepError.otherSweep(path: plan.output)
        }
        return true
    }

    /// Reads the plan of the manifest at `path` (from `plan.json` beside it), checking that the two agree
    /// line by line.
    /// - Throws: ``SweepError/badManifest(path:reason:)``.
    public static func read(manifestAt path: String) throws -> SweepPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SweepError.badManifest(path: path, reason: "cannot read the file (expected the manifest.tsv "
                                         + "that duet sweep writes into its --out folder)")
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast(while: { $0.isEmpty })
        guard lines.first == header.joined(separator: "\t")[...] else {
            throw SweepError.badManifest(path: path, reason: "the first line must be the header "
                                         + header.joined(separator: "<tab>"))
        }
        let planPath = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(planFile).path
        guard let planData = FileManager.default.contents(atPath: planPath) else {
            throw SweepError.badManifest(path: path, reason: "no \(planFile) beside it (\(planPath))")
        }
        let plan: SweepPlan
        do {
            plan = try JSONDecoder().decode(SweepPlan.self, from: planData)
        } catch {
            throw SweepError.badManifest(path: path, reason: "\(planPath) is not a sweep plan (\(error))")
        }
        guard lines.count - 1 == plan.runs.count else {
            throw SweepError.badManifest(path: path, reason: "\(lines.count - 1) runs, but \(planFile) has \(plan.runs.count)")
        }
        for (run, line) in zip(plan.runs, lines.dropFirst()) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3, fields[0] == String(run.index)[...], fields[1] == run.folder[...] else {
                throw SweepError.badManifest(path: path, reason: "line \(run.index + 2) does not match \(planFile) "
                                             + "(expected index \(run.index), folder \(run.folder))")
            }
        }
        return plan
    }

    /// `arguments` as one shell command line: each argument quoted with single quotes unless it is made only
    /// of characters the shell leaves alone.
    public static func command(_ arguments: [String]) -> String {
        arguments.map { argument in
            let safe = !argument.isEmpty && argument.allSatisfy {
                $0.isASCII && ($0.isLetter || $0.isNumber || "_./=,:+-@%".contains($0))
            }
            return safe ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}

private extension Array {
    /// The array without its trailing elements that satisfy `predicate`.
    func dropLast(while predicate: (Element) -> Bool) -> ArraySlice<Element> {
        var end = endIndex
        while end > startIndex, predicate(self[end - 1]) { end -= 1 }
        return self[startIndex..<end]
    }
}
