// A picture of an environment's state as data: filled shapes in world coordinates inside a viewport, the
// 2-D counterpart of Gymnasium's `render_mode="rgb_array"` without a graphics library. DuetRender turns
// drawings into SVG, GIF and MP4; environments only say what is where.
//
// Coordinates are the environment's own, in metres (or its position units): x to the right, y up. Shapes are
// painted in order, later over earlier; there is no text (labels belong to the renderer).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in a drawing's world coordinates: x to the right, y up.
public typealias DrawingPoint = SIMD2<Double>

/// An sRGB colour with opacity, every component in 0...1.
public struct DrawingColour: Sendable, Hashable {
    /// Red, 0...1.
    public var red: Double
    /// Green, 0...1.
    public var green: Double
    /// Blue, 0...1.
    public var blue: Double
    /// Opacity, 0 (transparent) ... 1 (opaque).
    public var alpha: Double

    /// A colour from components in 0...1.
    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// An opaque colour from 8-bit components, as Gymnasium's pygame renderers write them, e.g. (204, 77, 77).
    public init(_ red: Int, _ green: Int, _ blue: Int) {
        self.init(red: Double(red) / 255, green: Double(green) / 255, blue: Double(blue) / 255)
    }

    /// White, the classic-control background.
    public static let white = DrawingColour(red: 1, green: 1, blue: 1)
    /// Black.
    public static let black = DrawingColour(red: 0, green: 0, blue: 0)
}

/// One shape, in world coordinates.
public enum DrawingShape: Sendable, Equatable {
    /// A filled polygon through the points, in order (either orientation).
    case polygon([DrawingPoint])
    /// A filled disc.
    case circle(centre: DrawingPoint, radius: Double)
    /// A filled stadium: every point within `radius` of the segment `from`–`to` (a MuJoCo capsule seen
    /// side-on, a rounded rod).
    case capsule(from: DrawingPoint, to: DrawingPoint, radius: Double)
    /// A line through the points of total `width`, with round joins and ends.
    case polyline([DrawingPoint], width: Double)
}

/// A shape and the colour it is filled with.
public struct DrawingElement: Sendable, Equatable {
    /// What is drawn.
    public var shape: DrawingShape
    /// Its fill colour.
    public var colour: DrawingColour

    /// An element filling `shape` with `colour`.
    public init(_ shape: DrawingShape, _ colour: DrawingColour) {
        self.shape = shape
        self.colour = colour
    }
}

/// The rectangle of world coordinates a drawing shows.
public struct DrawingViewport: Sendable, Equatable {
    /// The bottom-left corner (smallest x and y).
    public var minimum: DrawingPoint
    /// The top-right corner (largest x and y).
    public var maximum: DrawingPoint

    /// The viewport from `minimum` to `maximum`.
    /// - Precondition: `maximum` exceeds `minimum` in both coordinates.
    public init(minimum: DrawingPoint, maximum: DrawingPoint) {
        precondition(maximum.x > minimum.x && maximum.y > minimum.y,
                     "a viewport needs positive extent, got \(minimum) to \(maximum)")
        self.minimum = minimum
        self.maximum = maximum
    }

    /// The viewport of `width` × `height` centred on `centre`.
    public init(centre: DrawingPoint, width: Double, height: Double) {
        let half = DrawingPoint(width / 2, height / 2)
        self.init(minimum: centre - half, maximum: centre + half)
    }

    /// Width, world units.
    public var width: Double { maximum.x - minimum.x }
    /// Height, world units.
    public var height: Double { maximum.y - minimum.y }
    /// The centre point.
    public var centre: DrawingPoint { (minimum + maximum) / 2 }
}

/// A picture of one state: a background colour, a viewport and shapes painted in order.
public struct Drawing: Sendable, Equatable {
    /// The part of the world shown.
    public var viewport: DrawingViewport
    /// The colour behind every shape.
    public var background: DrawingColour
    /// The shapes, painted first to last.
    public var elements: [DrawingElement]

    /// An empty drawing of `viewport` on `background`.
    public init(viewport: DrawingViewport, background: DrawingColour = .white, elements: [DrawingElement] = []) {
        self.viewport = viewport
        self.background = background
        self.elements = elements
    }

    /// Appends `shape` filled with `colour`, painted over everything before it.
    public mutating func add(_ shape: DrawingShape, _ colour: DrawingColour) {
        elements.append(DrawingElement(shape, colour))
    }

    /// Appends the rectangle with corners `minimum` and `maximum` (axis-aligned).
    public mutating func addRectangle(from minimum: DrawingPoint, to maximum: DrawingPoint, _ colour: DrawingColour) {
        add(.polygon([minimum, DrawingPoint(maximum.x, minimum.y), maximum, DrawingPoint(minimum.x, maximum.y)]),
            colour)
    }
}

/// An environment that can draw its current state.
///
/// Every registered environment conforms, in one `Type+Drawing.swift` file each, drawing what Gymnasium's
/// renderer draws (cart, poles, links, the track, the target, the goal); the MuJoCo tasks draw their model's
/// geoms at the simulation's body poses (PhysicsEnvironment+Drawing.swift).
public protocol Drawable {
    /// The current state as a picture.
    var drawing: Drawing { get }
    /// Simulated seconds one step spans: the frame interval of an animation played in real time.
    var secondsPerStep: Double { get }
}

extension TimeLimit: Drawable where Base: Drawable {
    /// The wrapped environment's picture.
    public var drawing: Drawing { base.drawing }
    /// The wrapped environment's step duration.
    public var secondsPerStep: Double { base.secondsPerStep }
}

extension DrawingPoint {
    /// This point turned by `angle` radians anticlockwise about the origin.
    public func rotated(by angle: Double) -> DrawingPoint {
        let c = cos(angle), s = sin(angle)
        return DrawingPoint(c * x - s * y, s * x + c * y)
    }
}
