import DuetEnvironments
import DuetRender
import XCTest

/// GIFs decode (by an independent reader, GIFDecoder.swift) to the frames, size, delays and pixels written.
final class GIFEncoderTests: XCTestCase {
    func testLZWRoundTripsThroughTableResets() throws {
        // Long enough to fill the 4096-code table several times, varied enough to grow every code size.
        var state: UInt32 = 12345
        let symbols = (0..<60_000).map { index -> UInt8 in
            state = state &* 1_103_515_245 &+ 12345
            return index % 3 == 0 ? UInt8(truncatingIfNeeded: state >> 16) : UInt8(index / 700 % 7)
        }
        XCTAssertEqual(try GIFDecoder.decompress(LZW.compress(symbols), minimumCodeSize: 8), symbols)
        XCTAssertEqual(try GIFDecoder.decompress(LZW.compress([]), minimumCodeSize: 8), [])
        XCTAssertEqual(try GIFDecoder.decompress(LZW.compress([7]), minimumCodeSize: 8), [7])
    }

    func testFramesDecodeToTheirPixels() throws {
        // Three 24 × 16 frames: a red square moving right on white, then the same frame again (an unchanged
        // frame is stored as one pixel).
        func frame(_ left: Int) -> RGBImage {
            var image = RGBImage(width: 24, height: 16, colour: .white)
            for y in 4..<10 { for x in left..<(left + 6) {
                image.bytes[3 * (y * 24 + x)] = 200; image.bytes[3 * (y * 24 + x) + 1] = 30; image.bytes[3 * (y * 24 + x) + 2] = 40
            } }
            return image
        }
        let images = [frame(2), frame(9), frame(9)]
        let red = DrawingColour(200, 30, 40)
        let gif = try GIFDecoder(GIFEncoder.encode(images, delay: 4, colours: [.white, red]))
        XCTAssertEqual(gif.width, 24)
        XCTAssertEqual(gif.height, 16)
        XCTAssertEqual(gif.frames.count, 3)
        XCTAssertEqual(gif.delays, [4, 4, 4])
        XCTAssertTrue(gif.loops)
        for (decoded, image) in zip(gif.frames, images) { XCTAssertEqual(decoded, image.bytes) }
    }

    func testRenderedFrameKeepsSceneColoursExactly() throws {
        // A rendered pendulum: every pixel of an exact scene colour survives the palette unchanged, and the
        // anti-aliased rest is within one 5-bit cell of the original.
        var pendulum = Pendulum()
        try pendulum.setState([0.4, 0])
        let frames = FrameLayout.frames([[pendulum.drawing]], panelHeight: 64)
        let image = Rasteriser.image(frames[0])
        let colours = [DrawingColour.white, .black] + pendulum.drawing.elements.map(\.colour)
        let gif = try GIFDecoder(GIFEncoder.encode([image], delay: 5, colours: colours))
        XCTAssertEqual(gif.frames.count, 1)
        let decoded = gif.frames[0]
        var exact = 0
        let rod = RGBImage.components(pendulum.drawing.elements[0].colour)
        for pixel in 0..<(image.width * image.height) {
            let original = Array(image.bytes[(3 * pixel)..<(3 * pixel + 3)])
            let written = Array(decoded[(3 * pixel)..<(3 * pixel + 3)])
            if original == [rod.0, rod.1, rod.2] || original == [255, 255, 255] {
                XCTAssertEqual(written, original)
                exact += 1
            } else {
                for channel in 0..<3 { XCTAssertLessThanOrEqual(abs(Int(written[channel]) - Int(original[channel])), 12) }
            }
        }
        XCTAssertGreaterThan(exact, image.width * image.height / 2)
    }
}
