import Foundation

/// Runs the built `duet` executable, for end-to-end command tests.
///
/// SwiftPM puts the executable next to the test bundle (`.build/<configuration>/duet`), so tests find it from
/// the location of the running test binary.
public enum DuetExecutable {
    /// What one run of `duet` printed and how it ended.
    public struct Outcome: Sendable {
        /// The process's exit status.
        public var status: Int32
        /// Everything written to standard output.
        public var standardOutput: String
        /// Everything written to standard error.
        public var standardError: String
    }

    /// The path of the built `duet` executable.
    public static var url: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the test runner is `<products>/DuetPackageTests.xctest`; on macOS it is deeper in a bundle.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("duet")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("duet")
    }

    /// Runs `duet` with `arguments` in `directory` (default: the current one) and waits for it to end; the
    /// environment is this process's with `OPENBLAS_NUM_THREADS=1`, `environment` on top, and the variables in
    /// `unsetting` removed.
    public static func run(_ arguments: [String], in directory: URL? = nil,
                           environment: [String: String] = [:], unsetting: Set<String> = []) throws -> Outcome {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var merged = ProcessInfo.processInfo.environment
        merged["OPENBLAS_NUM_THREADS"] = "1"
        for (key, value) in environment { merged[key] = value }
        for key in unsetting { merged[key] = nil }
        process.environment = merged
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both pipes to the end before waiting, so a large output cannot block the child.
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       standardOutput: String(decoding: outputData, as: UTF8.self),
                       standardError: String(decoding: errorData, as: UTF8.self))
    }
}
