import DuetEnvironments
import DuetRandom
import DuetRender
import Foundation
import XCTest

/// Every registered environment records, draws and renders; files are written whole or not at all.
final class EpisodeFileTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("duet-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    private func episode(_ identifier: String, steps: Int, seed: UInt64 = 1) throws -> Episode {
        let environment = try EnvironmentRegistry.make(identifier)
        let streams = RandomStream(seed: seed)
        return try Episode.record(environment, policy: Episode.randomPolicy(in: environment.actionSpace,
                                                                             using: streams.child("actions")),
                                  maximumSteps: steps, using: streams.child("environment"))
    }

    private func path(_ name: String) -> String { scratch.appendingPathComponent(name).path }

    /// The non-background pixels of `image` (the background is the first pixel's colour).
    private func inkedPixels(_ image: RGBImage) -> Int {
        let background = image[0, 0]
        var count = 0
        for y in 0..<image.height { for x in 0..<image.width where image[x, y] != background { count += 1 } }
        return count
    }

    func testEveryRegisteredEnvironmentDrawsAVisibleFrame() throws {
        for registration in EnvironmentRegistry.all {
            let recorded = try episode(registration.identifier, steps: 5)
            XCTAssertEqual(recorded.drawings.count, recorded.rewards.count + 1, registration.identifier)
            XCTAssertGreaterThan(recorded.secondsPerStep, 0, registration.identifier)
            for drawing in recorded.drawings {
                XCTAssertFalse(drawing.elements.isEmpty, registration.identifier)
            }
            let image = Rasteriser.image(try XCTUnwrap(FrameLayout.frames([recorded.drawings], panelHeight: 120).last))
            // At least 1 % of the picture is drawn (the thinnest, Reacher's arm in its arena, is about 3 %).
            XCTAssertGreaterThan(inkedPixels(image), image.width * image.height / 100, registration.identifier)
        }
    }

    func testEveryEnvironmentsFrameConvertsToAPNGWithRsvg() throws {
        guard let rsvg = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"]
            .first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw XCTSkip("rsvg-convert is not installed (Debian: librsvg2-bin)")
        }
        func png(_ svg: String) throws -> Data {
            let input = path("frame.svg"), output = path("frame.png")
            try svg.write(toFile: input, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: rsvg)
            process.arguments = ["-o", output, input]
            try process.run()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
            return try Data(contentsOf: URL(fileURLWithPath: output))
        }
        for registration in EnvironmentRegistry.all {
            let recorded = try episode(registration.identifier, steps: 1)
            let frames = FrameLayout.frames([recorded.drawings], panelHeight: 120)
            var blank = frames[0]
            blank.panels[0].drawing.elements = []
            let drawn = try png(SVGAnimation.document(frames, secondsPerFrame: 0.1))
            let empty = try png(SVGAnimation.document([blank], secondsPerFrame: 0.1))
            XCTAssertEqual(Array(drawn.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], registration.identifier)
            XCTAssertNotEqual(drawn, empty, "\(registration.identifier) renders blank")
        }
    }

    func testSVGAndGIFFilesHoldTheirFrames() throws {
        let recorded = try episode("CartPoleSwingUp-v0", steps: 9)
        let svg = try EpisodeFile.write([recorded], to: path("swing.svg"), panelHeight: 64)
        XCTAssertEqual(svg.frameCount, 10)
        XCTAssertEqual(svg.byteCount, try Data(contentsOf: URL(fileURLWithPath: path("swing.svg"))).count)
        // dt = 0.02 s: every frame is kept, 2 hundredths each.
        let gif = try EpisodeFile.write([recorded], to: path("swing.GIF"), panelHeight: 64)
        let decoded = try GIFDecoder(Array(try Data(contentsOf: URL(fileURLWithPath: path("swing.GIF")))))
        XCTAssertEqual(decoded.frames.count, 10)
        XCTAssertEqual(decoded.delays.first, 2)
        XCTAssertEqual(decoded.width, gif.width)
        XCTAssertEqual(decoded.height, 64)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted(), ["swing.GIF", "swing.svg"])
    }

    func testFastEpisodesKeepEveryKthFrameInRasterFormats() throws {
        // Reacher's step is 0.02 s, InvertedPendulum's 0.04 s: both kept whole; a 0.008 s step would keep every 3rd.
        let recorded = try episode("InvertedPendulum-v5", steps: 4)
        var fast = recorded
        fast.secondsPerStep = 0.008
        fast.drawings = Array(repeating: recorded.drawings[0], count: 7)
        _ = try EpisodeFile.write([fast], to: path("fast.gif"), panelHeight: 32)
        let decoded = try GIFDecoder(Array(try Data(contentsOf: URL(fileURLWithPath: path("fast.gif")))))
        XCTAssertEqual(decoded.frames.count, 3)  // frames 0, 3, 6
        XCTAssertEqual(decoded.delays.first, 2)  // 3 × 0.008 s = 0.024 s
    }

    func testUnknownExtensionAndUnwritableFolderLeaveNoFile() throws {
        let recorded = try episode("Pendulum-v1", steps: 2)
        XCTAssertThrowsError(try EpisodeFile.write([recorded], to: path("episode.png"))) { error in
            XCTAssertEqual(error as? RenderError,
                           .unknownFormat(path: path("episode.png"), accepted: [".svg", ".gif", ".mp4"]))
        }
        let missing = path("no/such/folder/episode.svg")
        XCTAssertThrowsError(try EpisodeFile.write([recorded], to: missing)) { error in
            XCTAssertEqual(error as? RenderError, .unwritableOutput(path: missing, reason: "no such folder"))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), [])
    }

    func testMP4ThroughFFmpegOrAClearError() throws {
        let recorded = try episode("Reacher-v5", steps: 6)
        let output = path("reach.mp4")
        if VideoEncoder.executable == nil {
            XCTAssertThrowsError(try EpisodeFile.write([recorded], to: output)) { error in
                XCTAssertEqual(error as? RenderError, .encoderMissing(path: output))
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: output))
            return
        }
        let summary = try EpisodeFile.write([recorded], to: output, panelHeight: 64)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: output))
        XCTAssertEqual(summary.byteCount, bytes.count)
        XCTAssertEqual(String(decoding: bytes[4..<8], as: UTF8.self), "ftyp")  // an ISO media file
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), ["reach.mp4"])
    }

    func testSameSeedSameEpisode() throws {
        XCTAssertEqual(try episode("AcrobotContinuous-v0", steps: 20, seed: 9).drawings,
                       try episode("AcrobotContinuous-v0", steps: 20, seed: 9).drawings)
        XCTAssertNotEqual(try episode("AcrobotContinuous-v0", steps: 20, seed: 9).drawings,
                          try episode("AcrobotContinuous-v0", steps: 20, seed: 10).drawings)
    }
}
