import DuetEnvironments
import DuetRender
import XCTest

/// The rasteriser's coverage: exact for straight edges along a pixel column, area-preserving for round shapes,
/// painted once where a polyline overlaps itself, and clipped to the panel.
final class RasteriserTests: XCTestCase {
    /// A 10 × 8 frame of one panel whose world is its pixel grid flipped (y up, 1 unit per pixel).
    private func frame(_ elements: [DrawingElement], width: Int = 10, height: Int = 8) -> Frame {
        let drawing = Drawing(viewport: DrawingViewport(minimum: .zero, maximum: DrawingPoint(Double(width), Double(height))),
                              elements: elements)
        return Frame(width: width, height: height,
                     panels: [Panel(drawing: drawing, rectangle: PixelRectangle(x: 0, y: 0, width: Double(width),
                                                                                height: Double(height)))])
    }

    /// Darkness of a pixel in 0...1 (0 white, 1 black), from its red byte.
    private func darkness(_ image: RGBImage, _ x: Int, _ y: Int) -> Double { 1 - Double(image[x, y].red) / 255 }

    func testRectangleCoverageIsExactAtAHalfPixelEdge() {
        // World x from 2.5 to 6, y from 3 to 7: pixel columns 3, 4, 5 full, column 2 half covered; world y 3...7 is
        // pixel rows 1...4 (8 − 7 = 1 to 8 − 3 = 5).
        var drawing = Drawing(viewport: DrawingViewport(minimum: .zero, maximum: DrawingPoint(10, 8)))
        drawing.addRectangle(from: DrawingPoint(2.5, 3), to: DrawingPoint(6, 7), .black)
        let image = Rasteriser.image(frame(drawing.elements))
        for y in 0..<8 {
            for x in 0..<10 {
                let inside = (3...5).contains(x) && (1...4).contains(y)
                let half = x == 2 && (1...4).contains(y)
                XCTAssertEqual(darkness(image, x, y), inside ? 1 : half ? 0.5 : 0, accuracy: 0.003, "pixel (\(x), \(y))")
            }
        }
    }

    func testDiscCoverageSumsToItsArea() {
        let image = Rasteriser.image(frame([DrawingElement(.circle(centre: DrawingPoint(20, 20), radius: 9), .black)],
                                           width: 40, height: 40))
        var total = 0.0
        for y in 0..<40 { for x in 0..<40 { total += darkness(image, x, y) } }
        // π·9² = 254.47; the 1.5-pixel polygon sides lose under 0.2 %, sampling 4 rows per pixel about as much.
        XCTAssertEqual(total, Double.pi * 81, accuracy: 0.01 * Double.pi * 81)
        XCTAssertEqual(darkness(image, 20, 20), 1, accuracy: 1e-9)
        XCTAssertEqual(darkness(image, 2, 2), 0, accuracy: 1e-9)
    }

    func testSelfOverlappingPolylineIsPaintedOnce() {
        // Half-transparent black out and back along the same segment: painted once, darkness 0.5, not 0.75.
        let line = DrawingShape.polyline([DrawingPoint(2, 4), DrawingPoint(8, 4), DrawingPoint(2, 4)], width: 2)
        let image = Rasteriser.image(frame([DrawingElement(line, DrawingColour(red: 0, green: 0, blue: 0, alpha: 0.5))]))
        XCTAssertEqual(darkness(image, 5, 3), 0.5, accuracy: 0.003)
        XCTAssertEqual(darkness(image, 5, 4), 0.5, accuracy: 0.003)
    }

    func testShapesAreClippedToTheirPanel() {
        // The left panel's disc spills over its right edge: the right panel stays its background, but for the
        // one-pixel grey separator (0.6 white) on its left edge.
        let view = DrawingViewport(minimum: .zero, maximum: DrawingPoint(10, 10))
        let left = Drawing(viewport: view, elements: [DrawingElement(.circle(centre: DrawingPoint(10, 5), radius: 4), .black)])
        let frame = Frame(width: 20, height: 10, panels: [
            Panel(drawing: left, rectangle: PixelRectangle(x: 0, y: 0, width: 10, height: 10)),
            Panel(drawing: Drawing(viewport: view), rectangle: PixelRectangle(x: 10, y: 0, width: 10, height: 10)),
        ])
        let image = Rasteriser.image(frame)
        XCTAssertEqual(darkness(image, 9, 5), 1, accuracy: 1e-9)
        XCTAssertEqual(darkness(image, 10, 5), 0.4, accuracy: 0.003)
        for x in 11..<20 { XCTAssertEqual(darkness(image, x, 5), 0, accuracy: 1e-9, "column \(x)") }
    }

    func testPixelAlignedRectangleFastPathMatchesCoverage() {
        // An opaque rectangle on pixel boundaries takes the direct fill; the same rectangle shifted by 1/1000 px
        // takes the coverage path: the pictures differ only on its edge pixels, by at most 0.1 % darkness.
        var drawing = Drawing(viewport: DrawingViewport(minimum: .zero, maximum: DrawingPoint(10, 8)))
        drawing.addRectangle(from: DrawingPoint(2, 3), to: DrawingPoint(6, 7), .black)
        var shifted = Drawing(viewport: drawing.viewport)
        shifted.addRectangle(from: DrawingPoint(2.001, 3), to: DrawingPoint(6.001, 7), .black)
        let direct = Rasteriser.image(frame(drawing.elements)), covered = Rasteriser.image(frame(shifted.elements))
        for y in 0..<8 {
            for x in 0..<10 {
                XCTAssertEqual(darkness(direct, x, y), (2...5).contains(x) && (1...4).contains(y) ? 1 : 0, "(\(x), \(y))")
                XCTAssertEqual(darkness(direct, x, y), darkness(covered, x, y), accuracy: 0.005, "(\(x), \(y))")
            }
        }
    }
}
