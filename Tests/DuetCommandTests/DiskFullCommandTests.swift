import DuetTestSupport
import Foundation
import XCTest

/// A real full disk: `duet train --out` into a small tmpfs that fills in the middle of the run, once while a CSV
/// row is written and once while a checkpoint is written. The run must stop with one line naming the file it
/// could not write and saying the disk is full (ENOSPC), exit non-zero, keep the last complete checkpoint, leave
/// CSV files of complete rows only and every other file on the disk as it was; once the tmpfs is remounted
/// larger, `duet resume` finishes the run byte-identical to an uninterrupted one.
///
/// Mounting needs root: elsewhere the tests are skipped (the injected failures of `ResumeCommandTests` still run).
/// The tmpfs is sized from a measurement, not a constant: a first run on a large tmpfs is killed just after its
/// first checkpoint, the space it then used is read with `statvfs`, and the small tmpfs leaves a few pages more
/// (a CSV fills them) or half a checkpoint more (the second checkpoint does not fit).
final class DiskFullCommandTests: CommandTestCase {
    private var mountPoint: URL?
    private static let page = 4096

    /// A tiny TD3 run: checkpoints every 300 steps, evaluations only at 600 and 1200.
    private static let experiment = """
        env: Pendulum-v1
        steps: 1200
        evaluation: {every: 600, episodes: 1}
        training: {bufferSize: 3000, learningStarts: 100, updateLogInterval: 1}
        learner: {algorithm: td3, hidden: [16], batchSize: 16, noise: {kind: gaussian, scale: 0.1}}
        checkpoint: {every: 300}
        """

    override func setUpWithError() throws {
        try super.setUpWithError()
        guard getuid() == 0 else {
            throw XCTSkip("a real full disk is tested on a small tmpfs, and mounting one needs root (uid \(getuid()))")
        }
        try Self.experiment.write(toFile: path("tiny.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        if let mountPoint { unmount(mountPoint) }
        mountPoint = nil
        try super.tearDownWithError()
    }

    // MARK: The tmpfs

    @discardableResult
    private func system(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// Mounts a tmpfs of `bytes` at `scratch/disk`; skips the test where mounting is not allowed.
    private func mount(bytes: Int) throws -> URL {
        if let mountPoint { unmount(mountPoint) }
        let point = scratch.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: point, withIntermediateDirectories: true)
        let outcome = try system(["mount", "-t", "tmpfs", "-o", "size=\(bytes / 1024)k", "tmpfs", point.path])
        guard outcome.status == 0 else {
            throw XCTSkip("mounting a tmpfs is not allowed here (mount exited \(outcome.status): "
                          + outcome.output.trimmingCharacters(in: .whitespacesAndNewlines) + ")")
        }
        mountPoint = point
        return point
    }

    private func remount(_ point: URL, bytes: Int) throws {
        let outcome = try system(["mount", "-o", "remount,size=\(bytes / 1024)k", point.path])
        XCTAssertEqual(outcome.status, 0, outcome.output)
    }

    private func unmount(_ point: URL) {
        if (try? system(["umount", point.path]))?.status != 0 { _ = try? system(["umount", "-l", point.path]) }
    }

    /// Bytes in use on the file system holding `url`.
    private func used(_ url: URL) -> Int {
        var stats = statvfs()
        guard statvfs(url.path, &stats) == 0 else { return -1 }
        return Int(stats.f_blocks - stats.f_bfree) * Int(stats.f_frsize)
    }

    // MARK: Files

    /// Every regular file under `folder` but `timing.json` (wall-clock figures), by relative path.
    private func files(_ folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for relative in try FileManager.default.subpathsOfDirectory(atPath: folder.path)
        where !relative.hasSuffix("timing.json") {
            let url = folder.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { result[relative] = try Data(contentsOf: url) }
        }
        return result
    }

    /// The user's own files on the disk: a note and another run's log, which a failing run must not touch.
    private func placeUsersFiles(on disk: URL) throws -> [String: Data] {
        try FileManager.default.createDirectory(at: disk.appendingPathComponent("older-run/learner0"),
                                                withIntermediateDirectories: true)
        try Data("seed 3 diverged; rerun with a smaller learning rate\n".utf8)
            .write(to: disk.appendingPathComponent("notes.md"))
        try Data("step,episode,return,length\n200,1,-1500.5,200\n".utf8)
            .write(to: disk.appendingPathComponent("older-run/learner0/episodes.csv"))
        return try files(disk)
    }

    /// Every CSV under `folder` ends with a newline and each of its lines has the header's number of fields.
    private func assertCompleteRows(_ folder: URL, _ context: String, file: StaticString = #filePath,
                                    line: UInt = #line) throws {
        for (relative, data) in try files(folder) where relative.hasSuffix(".csv") {
            XCTAssertEqual(data.last, UInt8(ascii: "\n"), "\(context): \(relative) ends in a partial row",
                           file: file, line: line)
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .dropLast()
            let fields = lines.first.map { $0.split(separator: ",", omittingEmptySubsequences: false).count } ?? 0
            for (number, text) in lines.enumerated() {
                XCTAssertEqual(text.split(separator: ",", omittingEmptySubsequences: false).count, fields,
                               "\(context): \(relative) line \(number + 1) is not a complete row: \(text)",
                               file: file, line: line)
            }
        }
    }

    /// The checkpoint file is whole: its magic, its lengths and its CRC-32 (computed here bit by bit).
    private func assertValidCheckpoint(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        XCTAssertEqual(Array(bytes.prefix(8)), Array("DUETCKPT".utf8), file: file, line: line)
        guard bytes.count > 32 else { return XCTFail("\(url.path) is truncated", file: file, line: line) }
        func integer(_ offset: Int, _ size: Int) -> Int {
            (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        let json = integer(12, 8)
        let archive = integer(20 + json, 8)
        XCTAssertEqual(bytes.count, 28 + json + archive + 4, "\(url.path): lengths", file: file, line: line)
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes.dropLast(4) {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        XCTAssertEqual(~crc, UInt32(truncatingIfNeeded: integer(bytes.count - 4, 4)), "\(url.path): CRC-32",
                       file: file, line: line)
    }

    // MARK: The cases

    /// Trains `tiny.yaml` with `extra` uninterrupted on the scratch disk, then on a tmpfs of the size
    /// `size(used after the first checkpoint, first checkpoint's size)`; checks the failure, remounts larger,
    /// resumes and compares with the uninterrupted run. Returns the error line and `status.json` after the
    /// failure.
    private func fillTheDisk(_ extra: [String],
                             size: (_ used: Int, _ checkpoint: Int) -> Int) throws -> (String, String) {
        let arguments = { (folder: String) in ["train", self.path("tiny.yaml"), "--out", folder] + extra }
        let full = try duet(arguments(path("full")))
        XCTAssertEqual(full.status, 0, full.standardError)

        // The space used just after the first checkpoint (step 300), on a tmpfs.
        var disk = try mount(bytes: 64 << 20)
        _ = try placeUsersFiles(on: disk)
        let killed = try duet(arguments(disk.appendingPathComponent("run").path),
                              environment: ["DUET_FAULT": "kill-at-step=301"])
        XCTAssertEqual(killed.status, 9, killed.standardError)
        let checkpointBytes = try Data(contentsOf: disk.appendingPathComponent("run/checkpoint.duet")).count
        let bytes = size(used(disk), checkpointBytes)

        disk = try mount(bytes: bytes)
        let before = try placeUsersFiles(on: disk)
        let run = disk.appendingPathComponent("run")
        let failed = try duet(arguments(run.path))
        XCTAssertEqual(failed.status, 1, "the run did not fail on a \(bytes)-byte disk: \(failed.standardError)")
        let lines = failed.standardError.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, failed.standardError)
        let message = String(lines.first ?? "")
        XCTAssert(message.hasPrefix("Error: \(run.path)/") && message.contains("(ENOSPC): the disk is full"), message)

        // The last complete checkpoint is valid, the logs hold complete rows, no temporary file is left, and
        // the user's files are as they were.
        try assertValidCheckpoint(run.appendingPathComponent("checkpoint.duet"))
        // status.json is whole: `failed` with the error when there was room to rewrite it, else as it was after
        // the checkpoint (a resume treats both alike).
        let statusText = try String(contentsOf: run.appendingPathComponent("status.json"), encoding: .utf8)
        let status = try JSONSerialization.jsonObject(with: Data(statusText.utf8)) as? [String: Any]
        XCTAssertEqual(status?["checkpointStep"] as? Int, 300)
        XCTAssert(["failed", "running"].contains(status?["state"] as? String ?? ""), "\(status ?? [:])")
        try assertCompleteRows(run, "after the failure")
        let left = try FileManager.default.subpathsOfDirectory(atPath: disk.path).filter { $0.contains(".partial") }
        XCTAssertEqual(left, [], "temporary files left behind")
        let after = try files(disk)
        for (relative, data) in before { XCTAssertEqual(after[relative], data, "\(relative) was changed") }
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: disk.path)),
                       Set(["notes.md", "older-run", "run"]))

        // With space again, the run resumes and ends as the uninterrupted run.
        try remount(disk, bytes: 64 << 20)
        let resumed = try duet(["resume", run.path])
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        XCTAssert(resumed.standardOutput.contains("resumed at step 300"), resumed.standardOutput)
        let reference = try files(URL(fileURLWithPath: path("full")))
        let finished = try files(run)
        XCTAssertEqual(finished.keys.sorted(), reference.keys.sorted())
        for (relative, data) in reference { XCTAssert(finished[relative] == data, "resumed: \(relative) differs") }
        let final = try files(disk)
        for (relative, data) in before { XCTAssertEqual(final[relative], data, "\(relative) was changed") }
        return (message, statusText)
    }

    /// The disk fills while `updates.csv` is written (one row per step): the tmpfs leaves three pages after the
    /// first checkpoint, room for `status.json`'s rewrite and a few hundred rows, far less than the 300 steps of
    /// rows before the second checkpoint.
    func testTheDiskFillsDuringACSVWrite() throws {
        let (message, _) = try fillTheDisk([]) { used, _ in used + 3 * Self.page }
        XCTAssert(message.contains(".csv: cannot write: write: No space left on device (ENOSPC): the disk is full"),
                  message)
    }

    /// The disk fills while the second checkpoint is written (its `.partial` file, beside the first one, which
    /// stays until the new one is complete): the tmpfs leaves half a checkpoint and two pages after the first.
    func testTheDiskFillsDuringACheckpointWrite() throws {
        let (message, status) = try fillTheDisk(["--set", "training.updateLogInterval=100"]) { used, checkpoint in
            used + (checkpoint / 2 / Self.page + 2) * Self.page
        }
        XCTAssert(message.hasSuffix("/run/checkpoint.duet: cannot write: write: No space left on device (ENOSPC): "
                                    + "the disk is full"), message)
        XCTAssert(status.contains("\"failed\"") && status.contains("(ENOSPC): the disk is full"), status)
    }
}
