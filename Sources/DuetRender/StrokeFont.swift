// A tiny stroke font for panel labels, so labels are shapes like everything else and look the same in SVG, GIF
// and MP4. Glyphs are polylines on a 4 × 6 grid (x right, y down from the cap line); letters are upper case
// (lower case is drawn as upper case), with digits and a little punctuation. Unknown characters draw as a box.
import DuetEnvironments

/// Labels as polylines.
public enum StrokeFont {
    /// Each glyph's strokes: "x,y x,y …" polylines separated by "|".
    static let glyphs: [Character: String] = [
        "A": "0,6 0,2 2,0 4,2 4,6|0,3 4,3", "B": "0,0 0,6 3,6 4,5 4,4 3,3 0,3|0,0 3,0 4,1 4,2 3,3",
        "C": "4,0 0,0 0,6 4,6", "D": "0,0 0,6 2,6 4,4 4,2 2,0 0,0", "E": "4,0 0,0 0,6 4,6|0,3 3,3",
        "F": "4,0 0,0 0,6|0,3 3,3", "G": "4,1 4,0 0,0 0,6 4,6 4,3 2,3", "H": "0,0 0,6|4,0 4,6|0,3 4,3",
        "I": "1,0 3,0|2,0 2,6|1,6 3,6", "J": "4,0 4,6 1,6 0,5", "K": "0,0 0,6|4,0 0,3 4,6", "L": "0,0 0,6 4,6",
        "M": "0,6 0,0 2,3 4,0 4,6", "N": "0,6 0,0 4,6 4,0", "O": "0,0 4,0 4,6 0,6 0,0",
        "P": "0,6 0,0 4,0 4,3 0,3", "Q": "0,0 4,0 4,6 0,6 0,0|2,4 4,6", "R": "0,6 0,0 4,0 4,3 0,3|1,3 4,6",
        "S": "4,0 0,0 0,3 4,3 4,6 0,6", "T": "0,0 4,0|2,0 2,6", "U": "0,0 0,6 4,6 4,0", "V": "0,0 2,6 4,0",
        "W": "0,0 1,6 2,3 3,6 4,0", "X": "0,0 4,6|4,0 0,6", "Y": "0,0 2,3 4,0|2,3 2,6", "Z": "0,0 4,0 0,6 4,6",
        "0": "0,0 4,0 4,6 0,6 0,0|0,6 4,0", "1": "1,1 2,0 2,6|1,6 3,6", "2": "0,0 4,0 4,3 0,3 0,6 4,6",
        "3": "0,0 4,0 4,6 0,6|1,3 4,3", "4": "0,0 0,3 4,3|4,0 4,6", "5": "4,0 0,0 0,3 4,3 4,6 0,6",
        "6": "4,0 0,0 0,6 4,6 4,3 0,3", "7": "0,0 4,0 2,6", "8": "0,0 4,0 4,6 0,6 0,0|0,3 4,3",
        "9": "4,3 0,3 0,0 4,0 4,6 0,6", "-": "1,3 3,3", ".": "2,5.5 2,6", ",": "2,5 1.5,7", ":": "2,1.5 2,2|2,4.5 2,5",
        "=": "1,2 3,2|1,4 3,4", "(": "3,0 2,1 2,5 3,6", ")": "1,0 2,1 2,5 1,6", "/": "4,0 0,6", "_": "0,6 4,6",
        "+": "2,1 2,5|0,3 4,3", "%": "0,6 4,0|0,0 1,0 1,1 0,1 0,0|3,5 4,5 4,6 3,6 3,5", "ξ": "1,0 3,0|3,0 1,2 3,3|3,3 1,4 1,6 3,6",
    ]

    /// The advance from one character to the next, grid units.
    static let advance = 5.5

    /// The polylines that write `text` with its top-left corner at `origin`, capital letters `height` pixels tall
    /// (pixel coordinates, y down).
    public static func strokes(_ text: String, origin: DrawingPoint, height: Double) -> [[DrawingPoint]] {
        let unit = height / 6
        var strokes: [[DrawingPoint]] = []
        for (index, character) in text.uppercased().enumerated() where character != " " {
            let left = origin.x + Double(index) * advance * unit
            let glyph = glyphs[character] ?? "0,0 4,0 4,6 0,6 0,0"
            for part in glyph.split(separator: "|") {
                strokes.append(part.split(separator: " ").map { pair in
                    let xy = pair.split(separator: ",").compactMap { Double($0) }
                    return DrawingPoint(left + xy[0] * unit, origin.y + xy[1] * unit)
                })
            }
        }
        return strokes
    }
}
