// A frame is what one image of an animation shows, in pixels: one or more panels, each a ``Drawing`` fitted into
// a rectangle of the image, with an optional label. ``Frame/layers`` flattens it into shapes in pixel
// coordinates (x to the right, y down), which every writer (SVG, the rasteriser for GIF and MP4) paints the same
// way: both formats show the same picture.
import DuetEnvironments

/// An axis-aligned rectangle of pixels.
public struct PixelRectangle: Sendable, Equatable {
    /// Left edge, pixels from the image's left.
    public var x: Double
    /// Top edge, pixels from the image's top.
    public var y: Double
    /// Width, pixels.
    public var width: Double
    /// Height, pixels.
    public var height: Double

    /// The rectangle at (`x`, `y`) of `width` × `height` pixels.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// A drawing placed in a rectangle of the image, with a label written over its top-left corner.
public struct Panel: Sendable, Equatable {
    /// What the panel shows.
    public var drawing: Drawing
    /// Where, in the image.
    public var rectangle: PixelRectangle
    /// A caption, e.g. "peer 0" (nil: none).
    public var label: String?

    /// A panel showing `drawing` in `rectangle`.
    public init(drawing: Drawing, rectangle: PixelRectangle, label: String? = nil) {
        self.drawing = drawing
        self.rectangle = rectangle
        self.label = label
    }

    /// The world-to-pixel map: the viewport scaled uniformly to fit the rectangle, centred, y flipped.
    public func pixel(_ point: DrawingPoint) -> DrawingPoint {
        let view = drawing.viewport
        let scale = self.scale
        let offsetX = rectangle.x + (rectangle.width - view.width * scale) / 2
        let offsetY = rectangle.y + (rectangle.height - view.height * scale) / 2
        return DrawingPoint(offsetX + (point.x - view.minimum.x) * scale,
                            offsetY + (view.maximum.y - point.y) * scale)
    }

    /// Pixels per world unit.
    public var scale: Double {
        min(rectangle.width / drawing.viewport.width, rectangle.height / drawing.viewport.height)
    }
}

/// Shapes in pixel coordinates, painted inside a clipping rectangle.
public struct PixelLayer: Sendable, Equatable {
    /// Nothing outside this rectangle is painted.
    public var clip: PixelRectangle
    /// The shapes, in pixel coordinates (y down), painted in order.
    public var elements: [DrawingElement]
}

/// One image of an animation: a size in pixels, a background and panels.
public struct Frame: Sendable, Equatable {
    /// Image width, pixels.
    public var width: Int
    /// Image height, pixels.
    public var height: Int
    /// The colour outside every panel.
    public var background: DrawingColour
    /// The panels, painted in order.
    public var panels: [Panel]

    /// A frame of `width` × `height` pixels.
    public init(width: Int, height: Int, background: DrawingColour = .white, panels: [Panel]) {
        self.width = width
        self.height = height
        self.background = background
        self.panels = panels
    }

    /// Every panel as a layer of pixel-space shapes: its background, its drawing, a separator line on its left
    /// edge when it has a neighbour there, then its label.
    public var layers: [PixelLayer] {
        panels.map { panel in
            var layer = panel.layer
            layer.elements += panel.labelElements
            return layer
        }
    }
}

extension Panel {
    /// The panel's background, drawing and left separator in pixel coordinates, clipped to its rectangle.
    public var layer: PixelLayer {
        PixelLayer(clip: rectangle, elements: [backgroundElement] + pixelElements(drawing.elements[...])
                       + separatorElements)
    }

    /// The panel's rectangle in the drawing's background colour.
    public var backgroundElement: DrawingElement {
        let r = rectangle
        return DrawingElement(.polygon([DrawingPoint(r.x, r.y), DrawingPoint(r.x + r.width, r.y),
                                        DrawingPoint(r.x + r.width, r.y + r.height), DrawingPoint(r.x, r.y + r.height)]),
                              drawing.background)
    }

    /// `elements` (world coordinates) in pixel coordinates.
    public func pixelElements(_ elements: ArraySlice<DrawingElement>) -> [DrawingElement] {
        let scale = self.scale
        return elements.map { element in
            let shape: DrawingShape
            switch element.shape {
            case let .polygon(points): shape = .polygon(points.map(pixel))
            case let .circle(centre, radius): shape = .circle(centre: pixel(centre), radius: radius * scale)
            case let .capsule(from, to, radius):
                shape = .capsule(from: pixel(from), to: pixel(to), radius: radius * scale)
            case let .polyline(points, width): shape = .polyline(points.map(pixel), width: width * scale)
            }
            return DrawingElement(shape, element.colour)
        }
    }

    /// A one-pixel grey line on the left edge when the panel has a neighbour there (none otherwise).
    public var separatorElements: [DrawingElement] {
        let r = rectangle
        guard r.x > 0 else { return [] }
        return [DrawingElement(.polygon([DrawingPoint(r.x, r.y), DrawingPoint(r.x + 1, r.y),
                                         DrawingPoint(r.x + 1, r.y + r.height), DrawingPoint(r.x, r.y + r.height)]),
                               DrawingColour(red: 0.6, green: 0.6, blue: 0.6))]
    }

    /// The label as black strokes over the top-left corner (none without a label): capitals 1/16 of the panel's
    /// height (8 to 16 px), smaller (down to 5 px) when the label would not fit the panel's width.
    public var labelElements: [DrawingElement] {
        guard let label else { return [] }
        let r = rectangle
        let fitting = (r.width - 4) / (Double(label.count) * StrokeFont.advance / 6 + 0.5)
        let size = max(5, min(max(8, min(16, r.height / 16)), fitting))
        return StrokeFont.strokes(label, origin: DrawingPoint(r.x + size / 2 + 1, r.y + size / 2), height: size).map {
            DrawingElement(.polyline($0, width: max(1.2, size / 8)), .black)
        }
    }
}

/// How episodes become frames: one panel per episode, side by side, each `panelHeight` pixels tall.
public enum FrameLayout {
    /// The frames of `episodes` shown side by side (one panel each, left to right), with `labels` (one per
    /// episode, or none). A shorter episode holds its last picture until the longest ends. Panel widths follow
    /// each episode's first viewport; sizes are rounded up to even pixels (as H.264 needs).
    /// - Precondition: every episode has a frame; `labels` is empty or has one label per episode.
    public static func frames(_ episodes: [[Drawing]], labels: [String] = [], panelHeight: Int = 320) -> [Frame] {
        precondition(!episodes.isEmpty && episodes.allSatisfy { !$0.isEmpty }, "every episode needs a frame")
        precondition(labels.isEmpty || labels.count == episodes.count, "one label per episode")
        let height = Double(panelHeight + panelHeight % 2)
        let widths = episodes.map { drawings -> Double in
            let view = drawings[0].viewport
            let width = (height * view.width / view.height - 1e-9).rounded(.up)  // a square stays square
            return width + width.truncatingRemainder(dividingBy: 2)
        }
        let count = episodes.map(\.count).max() ?? 0
        return (0..<count).map { index in
            var x = 0.0
            let panels = episodes.indices.map { episode -> Panel in
                let drawings = episodes[episode]
                let panel = Panel(drawing: drawings[min(index, drawings.count - 1)],
                                  rectangle: PixelRectangle(x: x, y: 0, width: widths[episode], height: height),
                                  label: labels.isEmpty ? nil : labels[episode])
                x += widths[episode]
                return panel
            }
            return Frame(width: Int(x), height: Int(height), panels: panels)
        }
    }
}
