// An animation as one self-contained SVG file that plays in a browser: every frame is a group of shapes, hidden
// but for its slot of the loop by one CSS keyframe rule and a per-frame animation delay. The first frame is also
// visible without animation, so viewers that ignore CSS animations (rsvg-convert, image previews) show it.
// What every frame shares is written once: each panel's background, then the leading shapes whose world
// coordinates never change (the ground, an arena, a rail), in a group that a discrete SMIL translation moves
// with the viewport when the view follows a body; the separators and labels go on top.
import DuetEnvironments

/// Writes frames as SVG.
public enum SVGAnimation {
    /// The SVG document showing `frames` in a loop, `secondsPerFrame` each (a single frame is a still picture).
    /// - Precondition: at least one frame; all with the first frame's size, panel rectangles and labels.
    public static func document(_ frames: [Frame], secondsPerFrame: Double) -> String {
        precondition(!frames.isEmpty, "an animation needs a frame")
        let width = frames[0].width, height = frames[0].height
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)">

            """
        let duration = secondsPerFrame * Double(frames.count)
        if frames.count > 1 {
            let share = 100 / Double(frames.count)
            svg += """
                <style>.f{visibility:hidden;animation:duet-frame \(number(duration, digits: 4))s step-end infinite}\
                #f0{visibility:visible}\
                @keyframes duet-frame{0%{visibility:visible}\(number(share, digits: 6))%{visibility:hidden}\
                100%{visibility:hidden}}</style>

                """
        }
        svg += "<defs>"
        for (index, panel) in frames[0].panels.enumerated() {
            let r = panel.rectangle
            svg += "<clipPath id=\"c\(index)\"><rect x=\"\(number(r.x))\" y=\"\(number(r.y))\" "
                + "width=\"\(number(r.width))\" height=\"\(number(r.height))\"/></clipPath>"
        }
        svg += "</defs>\n"
        svg += "<rect width=\"\(width)\" height=\"\(height)\" fill=\"\(hex(frames[0].background))\"/>\n"
        // Per panel, the number of leading world shapes every frame shares, and how far each frame's view has
        // moved them (pixels, from the first frame's).
        let first = frames[0].panels
        let shared = first.indices.map { panel in
            frames.reduce(first[panel].drawing.elements.count) { count, frame in
                zip(frame.panels[panel].drawing.elements, first[panel].drawing.elements).prefix(count)
                    .prefix { $0.0 == $0.1 }.count
            }
        }
        for (index, panel) in first.enumerated() {
            svg += "<g clip-path=\"url(#c\(index))\">" + element(panel.backgroundElement) + "<g>"
            let shifts = frames.map { $0.panels[index].pixel(.zero) - panel.pixel(.zero) }
            if shared[index] > 0 && shifts.contains(where: { $0 != .zero }) {
                let values = shifts.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: ";")
                svg += "<animateTransform attributeName=\"transform\" type=\"translate\" calcMode=\"discrete\" "
                    + "dur=\"\(number(duration, digits: 4))s\" repeatCount=\"indefinite\" values=\"\(values)\"/>"
            }
            for element in panel.pixelElements(panel.drawing.elements.prefix(shared[index])) { svg += self.element(element) }
            svg += "</g></g>\n"
        }
        for (index, frame) in frames.enumerated() {
            let delay = index == 0 ? "" : " style=\"animation-delay:\(number(Double(index) * secondsPerFrame, digits: 4))s\""
            svg += "<g id=\"f\(index)\" class=\"f\"\(delay)>"
            for (panelIndex, panel) in frame.panels.enumerated() {
                svg += "<g clip-path=\"url(#c\(panelIndex))\">"
                for element in panel.pixelElements(panel.drawing.elements.dropFirst(shared[panelIndex])) {
                    svg += self.element(element)
                }
                svg += "</g>"
            }
            svg += "</g>\n"
        }
        for element in first.flatMap({ $0.separatorElements + $0.labelElements }) { svg += self.element(element) }
        svg += "\n"
        svg += "</svg>\n"
        return svg
    }

    /// One pixel-space shape as an SVG element.
    static func element(_ element: DrawingElement) -> String {
        let colour = hex(element.colour)
        let opacity = element.colour.alpha < 1 ? " opacity=\"\(number(element.colour.alpha, digits: 3))\"" : ""
        func points(_ list: [DrawingPoint]) -> String { list.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ") }
        switch element.shape {
        case let .polygon(list):
            return "<polygon points=\"\(points(list))\" fill=\"\(colour)\"\(opacity)/>"
        case let .circle(centre, radius):
            return "<circle cx=\"\(number(centre.x))\" cy=\"\(number(centre.y))\" r=\"\(number(radius))\" fill=\"\(colour)\"\(opacity)/>"
        case let .capsule(from, to, radius):
            let d = to - from
            if (d * d).sum() < 1e-6 { return self.element(DrawingElement(.circle(centre: from, radius: radius), element.colour)) }
            return "<line x1=\"\(number(from.x))\" y1=\"\(number(from.y))\" x2=\"\(number(to.x))\" y2=\"\(number(to.y))\" "
                + "stroke=\"\(colour)\" stroke-width=\"\(number(2 * radius))\" stroke-linecap=\"round\"\(opacity)/>"
        case let .polyline(list, width):
            return "<polyline points=\"\(points(list))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(number(width))\" "
                + "stroke-linecap=\"round\" stroke-linejoin=\"round\"\(opacity)/>"
        }
    }

    /// `#rrggbb`.
    static func hex(_ colour: DrawingColour) -> String {
        let (r, g, b) = RGBImage.components(colour)
        let digits = Array("0123456789abcdef")
        return "#" + String([r, g, b].flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    /// `value` with at most `digits` decimals and no trailing zeros (1 decimal is 0.1 px).
    static func number(_ value: Double, digits: Int = 1) -> String {
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale), fraction = scaled % Int64(scale)
        var text = (value < 0 && scaled != 0 ? "-" : "") + String(whole)
        if fraction != 0 {
            var decimals = String(fraction)
            decimals = String(repeating: "0", count: digits - decimals.count) + decimals
            while decimals.hasSuffix("0") { decimals.removeLast() }
            text += "." + decimals
        }
        return text
    }
}
