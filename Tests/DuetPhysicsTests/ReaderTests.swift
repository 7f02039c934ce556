import DuetPhysics
import XCTest

/// MJCF outside the supported subset is refused with one line naming the file, the line, the element and the
/// attribute; well-formedness errors name the line.
final class ReaderTests: XCTestCase {
    private func model(_ body: String, option: String = "", extra: String = "") -> String {
        """
        <mujoco model="test">
          <option timestep="0.01" \(option)/>
          <worldbody>
            <body name="link">
              \(body)
            </body>
          </worldbody>
          \(extra)
        </mujoco>
        """
    }

    private let hinge = #"<joint name="hinge" type="hinge" axis="0 1 0"/><geom type="capsule" fromto="0 0 0 0 0 1" size="0.05" contype="0"/>"#

    private func refusal(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try PlanarModel(try MJCF.read(text, file: "test.xml"))
            XCTFail("accepted", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }

    func testTheSubsetIsAccepted() throws {
        let planar = try PlanarModel(try MJCF.read(model(hinge), file: "test.xml"))
        XCTAssertEqual(planar.dofCount, 1)
        XCTAssertEqual(planar.normalAxis, 1)
    }

    func testUnsupportedElementsAndAttributesNameFileLineAndAttribute() {
        XCTAssertEqual(refusal(model(#"<joint name="ball" type="ball"/><geom size="0.1" contype="0"/>"#)),
                       #"test.xml:5: <joint type="ball"> is not supported: this simulator implements hinge, slide"#)
        XCTAssertEqual(refusal(model(#"<geom type="mesh" mesh="m"/>"#)),
                       #"test.xml:5: <geom mesh="m"> is not supported: attribute outside the supported MJCF subset"#)
        XCTAssertEqual(refusal(model(hinge, option: #"integrator="implicitfast""#)),
                       #"test.xml:2: <option integrator="implicitfast"> is not supported: this simulator implements Euler, RK4"#)
        XCTAssertEqual(refusal(model(hinge, extra: "<equality/>")),
                       "test.xml:8: element <equality> is outside the supported MJCF subset")
        XCTAssertEqual(refusal(model(#"<inertial pos="0 0 0" mass="1"/>"#)),
                       "test.xml:5: element <inertial> is outside the supported MJCF subset")
        XCTAssertEqual(refusal(model(hinge + #"<joint name="j" frictionloss="1"/>"#)),
                       #"test.xml:5: <joint frictionloss="1"> is not supported: attribute outside the supported MJCF subset"#)
        XCTAssertEqual(refusal(model(hinge, extra: #"<actuator><position joint="hinge"/></actuator>"#)),
                       "test.xml:8: element <position> is outside the supported MJCF subset")
    }

    func testUnsupportedContactsAndNonPlanarModelsAreRefused() throws {
        let floor = #"<worldbody><geom name="floor" type="plane" size="1 1 1"/>"#
        let colliding = model(#"<joint name="hinge" type="hinge" axis="0 1 0"/><geom name="pole" type="capsule" fromto="0 0 0 0 0 1" size="0.05"/>"#)
            .replacingOccurrences(of: "<worldbody>", with: floor)
        XCTAssertEqual(try PlanarModel(try MJCF.read(colliding, file: "test.xml")).contactPairCount, 1)
        let cylinder = model(#"<joint name="hinge" type="hinge" axis="0 1 0"/><geom name="drum" type="cylinder" fromto="0 0 0 0 0 1" size="0.05"/>"#)
            .replacingOccurrences(of: "<worldbody>", with: floor)
        XCTAssertEqual(refusal(cylinder), #"test.xml:5: <geom type="cylinder"> is not supported: geoms 'floor' and "#
                       + "'drum' could collide, and this simulator has no plane–cylinder collision")
        XCTAssertEqual(refusal(model(hinge + #"<geom size="0.1" condim="6"/>"#)),
                       #"test.xml:5: <geom condim="6"> is not supported: this simulator implements condim 1 and 3"#)
        let crossed = model(hinge + #"<joint name="other" type="hinge" axis="1 0 0"/>"#)
        XCTAssertEqual(refusal(crossed), "test.xml:5: not a planar model: hinge 'other' is not parallel to the first hinge")
        let lifted = model(hinge + #"<joint name="lift" type="slide" axis="0 1 0"/>"#)
        XCTAssertEqual(refusal(lifted), "test.xml:5: not a planar model: slide 'lift' leaves the plane of the hinges")
    }

    func testBadValuesAndMalformedXMLNameTheLine() {
        XCTAssertEqual(refusal(model(#"<joint name="j" range="0 x"/><geom size="0.1" contype="0"/>"#)),
                       #"test.xml:5: <joint range="0 x">: 'x' is not a finite number"#)
        XCTAssertEqual(refusal(model(#"<joint name="j" pos="0 0"/><geom size="0.1" contype="0"/>"#)),
                       #"test.xml:5: <joint pos="0 0">: expected 3 numbers, found 2"#)
        XCTAssertEqual(refusal("<mujoco>\n  <worldbody>\n</mujoco>"),
                       "test.xml:3: malformed XML: </mujoco> closes <worldbody> opened on line 2")
        XCTAssertEqual(refusal(model(hinge, extra: #"<actuator><motor joint="elbow"/></actuator>"#)),
                       "test.xml:8: <motor> joint: no joint named 'elbow'")
        XCTAssertThrowsError(try MJCF.load(contentsOfFile: "/nonexistent/model.xml")) { error in
            XCTAssertEqual("\(error)", "cannot read /nonexistent/model.xml: no such file")
        }
    }
}
