// AcrobotContinuous-v0 drawn as Gymnasium's `acrobot.py` renders it: the black target line one unit above the
// shoulder, two cyan links of width 0.2 and yellow joints, on white, in the square ±2.2.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AcrobotContinuous: Drawable {
    /// Gymnasium's second link length (LINK_LENGTH_2, not a parameter here: the target height assumes it).
    static let secondLinkLength = 1.0

    /// The links at θ1 (from hanging straight down) and θ2 (relative to the first link): the elbow is at
    /// l1·(sin θ1, −cos θ1), the tip l2 further along θ1 + θ2.
    public var drawing: Drawing {
        var drawing = Drawing(viewport: DrawingViewport(centre: .zero, width: 4.4, height: 4.4))
        drawing.add(.polyline([DrawingPoint(-2.2, 1), DrawingPoint(2.2, 1)], width: 0.01), .black)
        let elbow = DrawingPoint(sin(angle1), -cos(angle1)) * parameters.linkLength1
        let tip = elbow + DrawingPoint(sin(angle1 + angle2), -cos(angle1 + angle2)) * Self.secondLinkLength
        for (from, to) in [(DrawingPoint.zero, elbow), (elbow, tip)] {
            let along = to - from, length = (along * along).sum().squareRoot()
            let across = DrawingPoint(-along.y, along.x) / max(length, 1e-12) * 0.1
            drawing.add(.polygon([from - across, to - across, to + across, from + across]), DrawingColour(0, 204, 204))
            drawing.add(.circle(centre: from, radius: 0.1), DrawingColour(204, 204, 0))
        }
        return drawing
    }

    /// dt = 0.2 s.
    public var secondsPerStep: Double { parameters.timeStep }
}
