// MP4 through ffmpeg, when it is installed (Debian's `ffmpeg` package; not a dependency of Duet): raw RGB frames
// are piped to `ffmpeg -f rawvideo`, which encodes H.264 in yuv420p (the pixel format every player reads).
import Foundation

/// Encodes images as an MP4 video with the `ffmpeg` executable.
public enum VideoEncoder {
    /// The `ffmpeg` executable on the PATH, if there is one (MP4 output needs it).
    public static var executable: URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("ffmpeg")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Writes `count` images of `width` × `height` (even) pixels, made one at a time by `image`, at
    /// `framesPerSecond` to `file`; `path` names the output in errors.
    /// - Throws: ``RenderError/encoderMissing(path:)``, ``RenderError/encoderFailed(path:status:message:)``.
    static func encode(count: Int, width: Int, height: Int, framesPerSecond: Double, to file: String, for path: String,
                       image: (Int) -> RGBImage) throws {
        guard let executable else { throw RenderError.encoderMissing(path: path) }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
                             "-s", "\(width)x\(height)", "-r", String(framesPerSecond),
                             "-i", "-", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "mp4", file]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        signal(SIGPIPE, SIG_IGN)  // an ffmpeg that exits early makes the write fail instead of killing us
        try process.run()
        // Drain ffmpeg's messages on another thread, so a full pipe cannot stall it while we write frames.
        let collected = ErrorText()
        let reader = Thread { collected.set(errors.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        do {
            for index in 0..<count { try input.fileHandleForWriting.write(contentsOf: image(index).bytes) }
        } catch {
            // ffmpeg stopped reading; its status and message say why.
        }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        while !collected.isDone { usleep(1000) }
        guard process.terminationStatus == 0 else {
            let message = collected.text.split(separator: "\n").last.map(String.init) ?? "no message"
            throw RenderError.encoderFailed(path: path, status: process.terminationStatus, message: message)
        }
    }
}

/// ffmpeg's standard error, filled by the reading thread.
private final class ErrorText: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?

    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    var isDone: Bool { lock.lock(); defer { lock.unlock() }; return data != nil }
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data ?? Data(), as: UTF8.self) }
}
