// The cart-pole drawn as Gymnasium's `cartpole.py` renders it, shared by CartPoleContinuous and CartPoleSwingUp:
// the black track line, the black 0.4 × 0.24 cart, the tan pole of width 0.08 from an axle a quarter of the
// cart's height above its centre, and the blue-grey axle. Gymnasium's 125 px per metre gives the sizes.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CartPolePhysics {
    /// The cart at x and the pole at θ (upright at 0, leaning right for θ > 0: the far end is at
    /// axle + 2l·(sin θ, cos θ)), on the track y = 0, seen through `viewport`.
    func drawing(_ state: CartPoleState, viewport: DrawingViewport) -> Drawing {
        var drawing = Drawing(viewport: viewport)
        drawing.add(.polyline([DrawingPoint(viewport.minimum.x, 0), DrawingPoint(viewport.maximum.x, 0)],
                              width: 0.008), .black)
        let cartWidth = 0.4, cartHeight = 0.24, poleWidth = 0.08, poleLength = 2 * poleHalfLength
        let centre = DrawingPoint(state.position, 0)
        drawing.addRectangle(from: centre - DrawingPoint(cartWidth / 2, cartHeight / 2),
                             to: centre + DrawingPoint(cartWidth / 2, cartHeight / 2), .black)
        let axle = centre + DrawingPoint(0, cartHeight / 4)
        let corners = [DrawingPoint(-poleWidth / 2, -poleWidth / 2), DrawingPoint(poleWidth / 2, -poleWidth / 2),
                       DrawingPoint(poleWidth / 2, poleLength - poleWidth / 2),
                       DrawingPoint(-poleWidth / 2, poleLength - poleWidth / 2)]
        drawing.add(.polygon(corners.map { axle + $0.rotated(by: -state.angle) }), DrawingColour(202, 152, 101))
        drawing.add(.circle(centre: axle, radius: poleWidth / 2), DrawingColour(129, 132, 203))
        return drawing
    }
}

extension CartPoleContinuous: Drawable {
    /// The cart and pole; the viewport spans the track, x in ±2.4, with the track 0.8 above the bottom
    /// (Gymnasium's 600 × 400 screen).
    public var drawing: Drawing {
        parameters.physics.drawing(cartPole, viewport: DrawingViewport(minimum: DrawingPoint(-2.4, -0.8),
                                                                       maximum: DrawingPoint(2.4, 2.4)))
    }

    /// τ = 0.02 s.
    public var secondsPerStep: Double { parameters.physics.timeStep }
}

extension CartPoleSwingUp: Drawable {
    /// The cart and pole; the viewport spans the track, x in ±2.4, and leaves room for the hanging pole.
    public var drawing: Drawing {
        parameters.physics.drawing(cartPole, viewport: DrawingViewport(minimum: DrawingPoint(-2.4, -1.4),
                                                                       maximum: DrawingPoint(2.4, 1.8)))
    }

    /// τ = 0.02 s.
    public var secondsPerStep: Double { parameters.physics.timeStep }
}
