import DuetEnvironments
import DuetRandom
import DuetRender
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// Animated SVGs parse as XML, hold one frame group per recorded state with the right delays, and draw shapes
/// where the frame's pixel map puts them.
final class SVGAnimationTests: XCTestCase {
    /// Counts the `g` elements of class `f` and collects their style attributes and every circle.
    private final class Reader: NSObject, XMLParserDelegate {
        var frames: [String] = []
        var circles: [(cx: Double, cy: Double, r: Double)] = []
        var root: [String: String] = [:]

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String]) {
            if name == "svg" { root = attributes }
            if name == "g" && attributes["class"] == "f" { frames.append(attributes["style"] ?? "") }
            if name == "circle", let cx = attributes["cx"].flatMap(Double.init), let cy = attributes["cy"].flatMap(Double.init),
               let r = attributes["r"].flatMap(Double.init) {
                circles.append((cx, cy, r))
            }
        }
    }

    private func parse(_ text: String) throws -> Reader {
        let parser = XMLParser(data: Data(text.utf8))
        let reader = Reader()
        parser.delegate = reader
        XCTAssertTrue(parser.parse(), "not well-formed: \(parser.parserError.map(String.init(describing:)) ?? "")")
        return reader
    }

    func testEpisodeHasOneFramePerStateWithItsDelay() throws {
        let environment = try EnvironmentRegistry.make("Pendulum-v1")
        let streams = RandomStream(seed: 3)
        let episode = try Episode.record(environment, policy: Episode.randomPolicy(in: environment.actionSpace,
                                                                                    using: streams.child("actions")),
                                         maximumSteps: 12, using: streams.child("environment"))
        XCTAssertEqual(episode.drawings.count, 13)
        let frames = FrameLayout.frames([episode.drawings], panelHeight: 100)
        let reader = try parse(SVGAnimation.document(frames, secondsPerFrame: episode.secondsPerStep))
        XCTAssertEqual(reader.frames.count, 13)
        XCTAssertEqual(reader.frames[0], "")
        XCTAssertEqual(reader.frames[1], "animation-delay:0.05s")
        XCTAssertEqual(reader.frames[12], "animation-delay:0.6s")
        XCTAssertEqual(reader.root["width"], "100")
        XCTAssertEqual(reader.root["viewBox"], "0 0 100 100")
    }

    func testCirclesSitWhereTheirStateSays() throws {
        // The pendulum's axle (radius 0.05 at the pivot) is at the centre of a 4.4-unit square shown 220 px tall:
        // 50 px per unit, the axle 2.5 px at (110, 110).
        var pendulum = Pendulum()
        try pendulum.setState([1, 0])
        let document = SVGAnimation.document(FrameLayout.frames([[pendulum.drawing]], panelHeight: 220),
                                             secondsPerFrame: 0.05)
        let reader = try parse(document)
        XCTAssertEqual(reader.frames.count, 1)
        let axle = try XCTUnwrap(reader.circles.first)
        XCTAssertEqual(axle.cx, 110, accuracy: 0.05)
        XCTAssertEqual(axle.cy, 110, accuracy: 0.05)
        XCTAssertEqual(axle.r, 2.5, accuracy: 0.05)
        XCTAssertTrue(document.contains("stroke=\"#cc4d4d\" stroke-width=\"10\""), "the rod, 0.2 wide, in Gymnasium's red")
    }

    func testSharedWorldShapesAreWrittenOnceAndFollowTheView() throws {
        // A square fixed in the world and a disc the 4-unit view follows, 1 unit a frame, shown 40 px tall
        // (10 px per unit): the square is written once and moved 10 px left a frame; the disc once per frame.
        let square = DrawingElement(.polygon([DrawingPoint(-1, -1), DrawingPoint(1, -1), DrawingPoint(1, 1),
                                              DrawingPoint(-1, 1)]), .black)
        let drawings = (0..<3).map { index in
            Drawing(viewport: DrawingViewport(centre: DrawingPoint(Double(index), 0), width: 4, height: 4),
                    elements: [square, DrawingElement(.circle(centre: DrawingPoint(Double(index), 0), radius: 0.5),
                                                      DrawingColour(200, 30, 40))])
        }
        let document = SVGAnimation.document(FrameLayout.frames([drawings], panelHeight: 40), secondsPerFrame: 0.1)
        let reader = try parse(document)
        XCTAssertEqual(reader.frames.count, 3)
        XCTAssertEqual(reader.circles.map(\.cx), [20, 20, 20])
        XCTAssertEqual(document.components(separatedBy: "<polygon").count - 1, 2)  // the panel background, the square
        XCTAssertTrue(document.contains("calcMode=\"discrete\" dur=\"0.3s\" repeatCount=\"indefinite\" values=\"0,0;-10,0;-20,0\""),
                      document)
    }
}
