// Pendulum-v1 drawn as Gymnasium's `pendulum.py` renders it: a red rod with rounded ends from the pivot, a black
// axle, on white, in the square ±2.2 (bound = 2.2 around the pivot, world units = rod lengths).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Pendulum: Drawable {
    /// Gymnasium's rod colour.
    static let rodColour = DrawingColour(204, 77, 77)

    /// The rod at θ (upright at θ = 0, counter-clockwise positive: the tip is at l·(−sin θ, cos θ)) and the axle.
    public var drawing: Drawing {
        var drawing = Drawing(viewport: DrawingViewport(centre: .zero, width: 4.4, height: 4.4))
        let tip = DrawingPoint(-sin(angle), cos(angle)) * parameters.length
        drawing.add(.capsule(from: .zero, to: tip, radius: 0.1), Self.rodColour)  // rod_width 0.2
        drawing.add(.circle(centre: .zero, radius: 0.05), .black)
        return drawing
    }

    /// dt = 0.05 s.
    public var secondsPerStep: Double { parameters.timeStep }
}
