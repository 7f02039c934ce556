// Writing episodes to a file whose extension picks the format: .svg (animated, self-contained), .gif (the
// rasteriser and the pure-Swift encoder), .mp4 (the rasteriser, then H.264 by `ffmpeg` reading raw RGB frames
// on its standard input, when ffmpeg is installed). Every format is written to a temporary file beside the
// output and renamed over it at the end, so a failure leaves no partial file.
import Foundation
import DuetEnvironments

/// The formats episodes are written in.
public enum EpisodeFormat: String, Sendable, CaseIterable {
    /// An animated SVG, one group per frame.
    case svg
    /// An animated GIF.
    case gif
    /// An H.264 MP4 video, through ffmpeg.
    case mp4

    /// The accepted file extensions, with their dots.
    public static var extensions: [String] { allCases.map { "." + $0.rawValue } }

    /// The format named by `path`'s extension (case-insensitive).
    /// - Throws: ``RenderError/unknownFormat(path:accepted:)``.
    public init(path: String) throws {
        let suffix = (path as NSString).pathExtension.lowercased()
        guard let format = EpisodeFormat(rawValue: suffix) else {
            throw RenderError.unknownFormat(path: path, accepted: EpisodeFormat.extensions)
        }
        self = format
    }
}

/// Writes episodes as animations.
public enum EpisodeFile {
    /// What a write produced.
    public struct Summary: Sendable, Equatable {
        /// Frames in the file.
        public var frameCount: Int
        /// Image size, pixels.
        public var width: Int, height: Int
        /// Bytes written.
        public var byteCount: Int
    }

    /// Writes `episodes` side by side (one panel each, `labels` over them) to `path`, in the format its
    /// extension names.
    ///
    /// SVG keeps every frame at the episode's own step duration; GIF and MP4 keep every k-th frame so that
    /// frames last at least 1/50 s (GIF's shortest delay that browsers honour).
    /// - Throws: ``RenderError`` for an unknown extension, an unwritable path, or a missing or failing ffmpeg.
    @discardableResult
    public static func write(_ episodes: [Episode], labels: [String] = [], to path: String,
                             panelHeight: Int = 320) throws -> Summary {
        let format = try EpisodeFormat(path: path)
        guard !episodes.isEmpty, episodes.allSatisfy({ !$0.drawings.isEmpty }) else { throw RenderError.emptyEpisode }
        let seconds = episodes[0].secondsPerStep
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            let folder = url.deletingLastPathComponent().path
            var isFolder: ObjCBool = false
            let reason = FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue
                ? "the folder is not writable" : "no such folder"
            throw RenderError.unwritableOutput(path: path, reason: reason)
        }
        defer { try? FileManager.default.removeItem(at: temporary) }

        let summary: Summary
        switch format {
        case .svg:
            let frames = FrameLayout.frames(episodes.map(\.drawings), labels: labels, panelHeight: panelHeight)
            let text = SVGAnimation.document(frames, secondsPerFrame: seconds)
            try write(Data(text.utf8), to: temporary, for: path)
            summary = Summary(frameCount: frames.count, width: frames[0].width, height: frames[0].height,
                              byteCount: text.utf8.count)
        case .gif, .mp4:
            let stride = max(1, Int((0.02 / seconds - 1e-9).rounded(.up)))
            let kept = episodes.map { episode in
                Swift.stride(from: 0, to: episode.drawings.count, by: stride).map { episode.drawings[$0] }
            }
            let frames = FrameLayout.frames(kept, labels: labels, panelHeight: panelHeight)
            let (width, height) = (frames[0].width, frames[0].height)
            let interval = seconds * Double(stride)
            if format == .gif {
                let sample = Swift.stride(from: 0, to: frames.count, by: max(1, frames.count / 16))
                    .map { Rasteriser.image(frames[$0]) }
                let colours = episodes.flatMap { $0.drawings[0].elements.map(\.colour) + [$0.drawings[0].background] }
                var encoder = GIFEncoder(width: width, height: height, delay: max(2, Int((interval * 100).rounded())),
                                         sample: sample, colours: [.white, .black] + colours)
                for frame in frames { encoder.append(Rasteriser.image(frame)) }
                try write(Data(encoder.finished()), to: temporary, for: path)
            } else {
                try VideoEncoder.encode(count: frames.count, width: width, height: height, framesPerSecond: 1 / interval,
                                        to: temporary.path, for: path) { Rasteriser.image(frames[$0]) }
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: temporary.path)[.size] as? Int) ?? 0
            summary = Summary(frameCount: frames.count, width: width, height: height,
                              byteCount: size)
        }
        do {
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            try FileManager.default.moveItem(at: temporary, to: url)
        } catch {
            throw RenderError.unwritableOutput(path: path, reason: "cannot rename the finished file into place")
        }
        return summary
    }

    static func write(_ data: Data, to temporary: URL, for path: String) throws {
        do {
            try data.write(to: temporary)
        } catch {
            throw RenderError.unwritableOutput(path: path, reason: error.localizedDescription)
        }
    }
}
