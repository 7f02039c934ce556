// Paints pixel-space shapes into an RGB image with anti-aliasing: each shape is reduced to polygons, and the
// polygons of one shape are filled together by the non-zero rule (so a polyline's overlapping segments are
// painted once). Coverage is measured on 4 sub-scanlines per pixel row, exactly in x along each sub-scanline:
// a pixel half covered by an edge gets half the colour. Colours blend over what is below by coverage × alpha.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DuetEnvironments

/// An 8-bit RGB image, rows top to bottom, three bytes per pixel.
public struct RGBImage: Sendable, Equatable {
    /// Width, pixels.
    public let width: Int
    /// Height, pixels.
    public let height: Int
    /// R, G, B of each pixel, row by row from the top.
    public var bytes: [UInt8]

    /// An image filled with `colour` (its alpha is ignored).
    public init(width: Int, height: Int, colour: DrawingColour) {
        precondition(width > 0 && height > 0, "an image needs pixels, got \(width) × \(height)")
        self.width = width
        self.height = height
        let rgb = RGBImage.components(colour)
        bytes = [UInt8](repeating: 0, count: width * height * 3)
        for index in 0..<(width * height) {
            bytes[3 * index] = rgb.0
            bytes[3 * index + 1] = rgb.1
            bytes[3 * index + 2] = rgb.2
        }
    }

    /// The pixel at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let index = 3 * (y * width + x)
        return (bytes[index], bytes[index + 1], bytes[index + 2])
    }

    /// A colour's red, green and blue as bytes, rounded (its alpha is ignored).
    public static func components(_ colour: DrawingColour) -> (UInt8, UInt8, UInt8) {
        func byte(_ value: Double) -> UInt8 { UInt8(max(0, min(255, (value * 255).rounded()))) }
        return (byte(colour.red), byte(colour.green), byte(colour.blue))
    }
}

/// Paints frames into images.
public enum Rasteriser {
    /// Sub-scanlines per pixel row.
    static let samples = 4

    /// The image of `frame`.
    public static func image(_ frame: Frame) -> RGBImage {
        var image = RGBImage(width: frame.width, height: frame.height, colour: frame.background)
        var scratch = Scratch(width: frame.width)
        for layer in frame.layers {
            for element in layer.elements {
                fill(ShapeOutline.polygons(element.shape), colour: element.colour, clip: layer.clip, into: &image,
                     scratch: &scratch)
            }
        }
        return image
    }

    /// Row buffers reused between fills.
    struct Scratch {
        /// Coverage of whole pixels, as differences (prefix sums give the coverage).
        var runs: [Float]
        /// Coverage of pixels an edge crosses.
        var partial: [Float]
        /// Crossings of the current sub-scanline: x and winding direction.
        var crossings: [(x: Double, winding: Int)] = []

        init(width: Int) {
            runs = [Float](repeating: 0, count: width + 1)
            partial = [Float](repeating: 0, count: width + 1)
        }
    }

    /// Fills the union of `polygons` (non-zero rule, each polygon counted once whatever its orientation).
    static func fill(_ polygons: [[DrawingPoint]], colour: DrawingColour, clip: PixelRectangle,
                     into image: inout RGBImage, scratch: inout Scratch) {
        guard colour.alpha > 0 else { return }
        if colour.alpha >= 1, polygons.count == 1, fillPixelAlignedRectangle(polygons[0], colour: colour, clip: clip,
                                                                             into: &image) {
            return
        }
        var edges: [(x0: Double, y0: Double, x1: Double, y1: Double, winding: Int)] = []
        var top = Double.infinity, bottom = -Double.infinity, left = Double.infinity, right = -Double.infinity
        for polygon in polygons where polygon.count >= 3 {
            var area = 0.0
            for index in polygon.indices {
                let a = polygon[index], b = polygon[(index + 1) % polygon.count]
                area += a.x * b.y - b.x * a.y
            }
            let sense = area >= 0 ? 1 : -1  // normalise orientation so overlaps add up instead of cancelling
            for index in polygon.indices {
                let a = polygon[index], b = polygon[(index + 1) % polygon.count]
                guard a.y != b.y, a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { continue }
                edges.append(a.y < b.y ? (a.x, a.y, b.x, b.y, sense) : (b.x, b.y, a.x, a.y, -sense))
                top = min(top, min(a.y, b.y))
                bottom = max(bottom, max(a.y, b.y))
                left = min(left, min(a.x, b.x))
                right = max(right, max(a.x, b.x))
            }
        }
        let clipLeft = max(0, clip.x), clipRight = min(Double(image.width), clip.x + clip.width)
        let firstRow = max(Int(max(top, clip.y).rounded(.down)), 0)
        let lastRow = min(Int(min(bottom, clip.y + clip.height).rounded(.up)), image.height) - 1
        guard !edges.isEmpty, firstRow <= lastRow, max(clipLeft, left) < min(clipRight, right) else { return }
        let weight = Float(1) / Float(samples)
        let rgb = RGBImage.components(colour)
        let target = (Float(rgb.0), Float(rgb.1), Float(rgb.2)), opacity = Float(colour.alpha)
        let clipTop = clip.y, clipBottom = clip.y + clip.height

        // An active-edge list: edges sorted by their top, entering when a sub-scanline reaches them and leaving
        // once it passes their bottom, so a long polyline costs only the edges its sub-scanline crosses.
        edges.sort { $0.y0 < $1.y0 }
        var nextEdge = 0
        var active: [Int] = []
        for row in firstRow...lastRow {
            var low = image.width, high = -1
            for sample in 0..<samples {
                let y = Double(row) + (Double(sample) + 0.5) / Double(samples)
                while nextEdge < edges.count && edges[nextEdge].y0 <= y {
                    active.append(nextEdge)
                    nextEdge += 1
                }
                active.removeAll { edges[$0].y1 <= y }
                guard y >= clipTop && y < clipBottom else { continue }
                scratch.crossings.removeAll(keepingCapacity: true)
                for index in active {
                    let edge = edges[index]
                    let x = edge.x0 + (y - edge.y0) / (edge.y1 - edge.y0) * (edge.x1 - edge.x0)
                    scratch.crossings.append((x, edge.winding))
                }
                scratch.crossings.sort { $0.x < $1.x }
                var winding = 0
                for index in scratch.crossings.indices {
                    let before = winding
                    winding += scratch.crossings[index].winding
                    guard before == 0 && winding != 0 else { continue }
                    // A span opens here and closes at the first crossing that brings the winding back to 0.
                    var close = index + 1, running = winding
                    while close < scratch.crossings.count {
                        running += scratch.crossings[close].winding
                        if running == 0 { break }
                        close += 1
                    }
                    guard close < scratch.crossings.count else { break }
                    let start = max(scratch.crossings[index].x, clipLeft)
                    let end = min(scratch.crossings[close].x, clipRight)
                    guard start < end else { continue }
                    addSpan(start, end, weight: weight, scratch: &scratch)
                    low = min(low, Int(start))
                    high = max(high, min(Int(end), image.width - 1))
                }
            }
            guard low <= high else { continue }
            var running: Float = 0  // no span writes left of `low`
            image.bytes.withUnsafeMutableBufferPointer { bytes in
                for x in low...high {
                    running += scratch.runs[x]
                    let coverage = min(1, running + scratch.partial[x]) * opacity
                    scratch.runs[x] = 0
                    scratch.partial[x] = 0
                    guard coverage > 0 else { continue }
                    let index = 3 * (row * image.width + x)
                    bytes[index] = UInt8(Float(bytes[index]) + (target.0 - Float(bytes[index])) * coverage + 0.5)
                    bytes[index + 1] = UInt8(Float(bytes[index + 1]) + (target.1 - Float(bytes[index + 1])) * coverage + 0.5)
                    bytes[index + 2] = UInt8(Float(bytes[index + 2]) + (target.2 - Float(bytes[index + 2])) * coverage + 0.5)
                }
            }
            scratch.runs[high + 1] = 0
        }
    }

    /// Fills `polygon` directly when it is a rectangle on pixel boundaries inside a clip on pixel boundaries (a
    /// panel's background: every pixel fully covered, so no coverage is needed); false if it is not one.
    static func fillPixelAlignedRectangle(_ polygon: [DrawingPoint], colour: DrawingColour, clip: PixelRectangle,
                                          into image: inout RGBImage) -> Bool {
        guard polygon.count == 4 else { return false }
        let xs = Set(polygon.map(\.x)), ys = Set(polygon.map(\.y))
        let bounds = [clip.x, clip.y, clip.x + clip.width, clip.y + clip.height]
        guard xs.count == 2, ys.count == 2, (xs.union(ys).union(bounds)).allSatisfy({ $0 == $0.rounded() }),
              zip(polygon, polygon.dropFirst() + [polygon[0]]).allSatisfy({ $0.x == $1.x || $0.y == $1.y }),
              let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max() else { return false }
        let left = Int(max(minX, clip.x, 0)), right = Int(min(maxX, clip.x + clip.width, Double(image.width)))
        let top = Int(max(minY, clip.y, 0)), bottom = Int(min(maxY, clip.y + clip.height, Double(image.height)))
        guard left < right, top < bottom else { return true }
        let rgb = RGBImage.components(colour), width = image.width
        image.bytes.withUnsafeMutableBufferPointer { bytes in
            for y in top..<bottom {
                for x in left..<right {
                    let index = 3 * (y * width + x)
                    bytes[index] = rgb.0
                    bytes[index + 1] = rgb.1
                    bytes[index + 2] = rgb.2
                }
            }
        }
        return true
    }

    /// Adds `weight` × the covered fraction of each pixel of the span [start, end) on one sub-scanline.
    static func addSpan(_ start: Double, _ end: Double, weight: Float, scratch: inout Scratch) {
        let first = Int(start), last = Int(end)
        if first == last {
            scratch.partial[first] += weight * Float(end - start)
            return
        }
        scratch.partial[first] += weight * Float(Double(first + 1) - start)
        if first + 1 < last {
            scratch.runs[first + 1] += weight
            scratch.runs[last] -= weight
        }
        if last < scratch.partial.count - 1 { scratch.partial[last] += weight * Float(end - Double(last)) }
    }
}

/// Shapes as polygons, for the rasteriser.
enum ShapeOutline {
    /// The polygons whose union is `shape` (pixel coordinates): round shapes with sides about 1.5 pixels long.
    static func polygons(_ shape: DrawingShape) -> [[DrawingPoint]] {
        switch shape {
        case let .polygon(points): return [points]
        case let .circle(centre, radius): return [stadium(centre, centre, radius)]
        case let .capsule(from, to, radius): return [stadium(from, to, radius)]
        case let .polyline(points, width):
            guard let first = points.first else { return [] }
            if points.count == 1 { return [stadium(first, first, width / 2)] }
            return zip(points, points.dropFirst()).map { stadium($0, $1, width / 2) }
        }
    }

    /// Every point within `radius` of the segment a–b: two half discs joined by the segment's sides.
    static func stadium(_ a: DrawingPoint, _ b: DrawingPoint, _ radius: Double) -> [DrawingPoint] {
        guard radius > 0 else { return [] }
        let along = b - a, length = (along * along).sum().squareRoot()
        let direction = length > 1e-9 ? atan2(along.y, along.x) : 0
        let sides = max(8, min(128, Int((Double.pi * radius / 1.5).rounded(.up))))
        var points: [DrawingPoint] = []
        points.reserveCapacity(2 * (sides + 1))
        for (centre, start) in [(b, direction - Double.pi / 2), (a, direction + Double.pi / 2)] {
            for step in 0...sides {
                let angle = start + Double.pi * Double(step) / Double(sides)
                points.append(centre + radius * DrawingPoint(cos(angle), sin(angle)))
            }
        }
        return points
    }
}
