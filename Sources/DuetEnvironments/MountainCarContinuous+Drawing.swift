// MountainCarContinuous-v0 drawn as Gymnasium's `continuous_mountain_car.py` renders it: the hill
// y = 0.45·sin(3x) + 0.55 as a black line, the black car tilted along the slope on two grey wheels, and the
// yellow goal flag on its pole. Gymnasium's pixel sizes (600 px for 1.8 world units) are converted to world units.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension MountainCarContinuous: Drawable {
    /// World units per Gymnasium pixel (600 px span the 1.8 units from −1.2 to 0.6).
    static let pixel = 1.8 / 600

    /// The hill's height at position `x`.
    static func height(_ x: Double) -> Double { sin(3 * x) * 0.45 + 0.55 }

    /// The hill, the flag at the goal position and the car at ``position``.
    public var drawing: Drawing {
        let p = parameters, pixel = Self.pixel
        var drawing = Drawing(viewport: DrawingViewport(minimum: DrawingPoint(p.minimumPosition, 0),
                                                        maximum: DrawingPoint(p.maximumPosition, 400 * pixel)))
        let hill = (0..<100).map { index -> DrawingPoint in
            let x = p.minimumPosition + (p.maximumPosition - p.minimumPosition) * Double(index) / 99
            return DrawingPoint(x, Self.height(x))
        }
        drawing.add(.polyline(hill, width: 2 * pixel), .black)

        let flagBase = DrawingPoint(p.goalPosition, Self.height(p.goalPosition))
        let flagTop = flagBase + DrawingPoint(0, 50 * pixel)
        drawing.add(.polyline([flagBase, flagTop], width: 2 * pixel), .black)
        drawing.add(.polygon([flagTop, flagTop - DrawingPoint(0, 10 * pixel),
                              flagTop + DrawingPoint(25 * pixel, -5 * pixel)]), DrawingColour(204, 204, 0))

        // The car body is 40 × 20 px, 10 px above the track, turned by cos(3x) (Gymnasium's angle).
        let angle = cos(3 * position), clearance = 10 * pixel
        let anchor = DrawingPoint(position, Self.height(position))
        func placed(_ x: Double, _ y: Double) -> DrawingPoint {
            anchor + DrawingPoint(x * pixel, y * pixel + clearance).rotated(by: angle)
        }
        drawing.add(.polygon([placed(-20, 0), placed(20, 0), placed(20, 20), placed(-20, 20)]), .black)
        for wheel in [-10.0, 10.0] {
            drawing.add(.circle(centre: placed(wheel, 0), radius: 8 * pixel), DrawingColour(128, 128, 128))
        }
        return drawing
    }

    /// Gymnasium renders at 30 frames per second (the task has no physical time step).
    public var secondsPerStep: Double { 1.0 / 30 }
}
