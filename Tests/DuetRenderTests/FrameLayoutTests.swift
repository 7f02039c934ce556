import DuetEnvironments
import DuetRandom
import DuetRender
import XCTest

/// Side-by-side layout: panels sized by their viewports, placed left to right, the shorter episode holding its
/// last picture, labels drawn inside their panel.
final class FrameLayoutTests: XCTestCase {
    private func drawings(_ count: Int, width: Double, height: Double) -> [Drawing] {
        (0..<count).map { index in
            Drawing(viewport: DrawingViewport(centre: DrawingPoint(Double(index), 0), width: width, height: height))
        }
    }

    func testPanelsSitSideBySide() {
        // 4.4 × 4.4 (square) beside 4.8 × 3.2 (3:2), 100 px tall: 100 + 150 px wide.
        let frames = FrameLayout.frames([drawings(3, width: 4.4, height: 4.4), drawings(5, width: 4.8, height: 3.2)],
                                        labels: ["peer 0", "peer 1"], panelHeight: 100)
        XCTAssertEqual(frames.count, 5)
        XCTAssertEqual(frames[0].width, 250)
        XCTAssertEqual(frames[0].height, 100)
        XCTAssertEqual(frames[0].panels.map(\.rectangle),
                       [PixelRectangle(x: 0, y: 0, width: 100, height: 100), PixelRectangle(x: 100, y: 0, width: 150, height: 100)])
        // The first episode ended after 3 pictures: frames 3 and 4 show its last.
        XCTAssertEqual(frames[4].panels[0].drawing, frames[2].panels[0].drawing)
        XCTAssertEqual(frames[4].panels[1].drawing.viewport.centre.x, 4)
        XCTAssertEqual(frames[0].panels.map(\.label), ["peer 0", "peer 1"])
    }

    func testOddSizesAreRoundedUpToEven() {
        let frames = FrameLayout.frames([drawings(1, width: 1.8, height: 1.2)], panelHeight: 101)
        XCTAssertEqual(frames[0].height, 102)
        XCTAssertEqual(frames[0].width, 154)  // 102 × 1.5 = 153, rounded up to even
    }

    func testLabelStrokesStayInTheirPanel() {
        let frames = FrameLayout.frames([drawings(1, width: 1, height: 1), drawings(1, width: 1, height: 1)],
                                        labels: ["left", "right"], panelHeight: 200)
        let layers = frames[0].layers
        XCTAssertEqual(layers.count, 2)
        for (layer, panel) in zip(layers, frames[0].panels) {
            let strokes = layer.elements.dropFirst().compactMap { element -> [DrawingPoint]? in
                if case let .polyline(points, _) = element.shape { return points }
                return nil
            }
            XCTAssertGreaterThan(strokes.count, 4)
            for point in strokes.joined() {
                XCTAssertGreaterThanOrEqual(point.x, panel.rectangle.x)
                XCTAssertLessThan(point.x, panel.rectangle.x + panel.rectangle.width / 2)
                XCTAssertLessThan(point.y, 30)
            }
        }
    }

    func testWorldMapsOntoThePanelWithYUp() {
        let panel = Panel(drawing: Drawing(viewport: DrawingViewport(minimum: DrawingPoint(-2.4, -0.8), maximum: DrawingPoint(2.4, 2.4))),
                          rectangle: PixelRectangle(x: 100, y: 0, width: 600, height: 400))
        XCTAssertEqual(panel.scale, 125, accuracy: 1e-12)
        XCTAssertEqual(panel.pixel(DrawingPoint(0, 0)), DrawingPoint(400, 300))  // Gymnasium's cart row
        XCTAssertEqual(panel.pixel(DrawingPoint(-2.4, 2.4)), DrawingPoint(100, 0))
    }
}
