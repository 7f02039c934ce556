// Animated GIF (GIF89a) from RGB images, in pure Swift: one global palette of at most 256 colours, each frame
// stored as the rectangle that changed since the previous one, LZW-compressed as the format specifies.
//
// The palette: the colours the scene is drawn in come first, exactly (so the cart is the cart's colour), then
// the most frequent other colours of a sample of frames (the anti-aliased edges), counted on a 5-bit-per-channel
// grid. Each pixel takes the nearest palette colour of its 5-bit cell, so every pixel of an exact scene colour
// keeps it.
import Foundation
import DuetEnvironments

/// Writes an animated GIF frame by frame, so a long episode is never held as images all at once.
public struct GIFEncoder {
    /// The file so far.
    private var bytes: [UInt8] = []
    private let palette: Palette
    private let width: Int, height: Int, delay: Int
    /// The previous frame's palette entries, to store only the rectangle that changed.
    private var previous: [UInt8]?

    /// Starts a GIF of `width` × `height` frames shown `delay` hundredths of a second each, looping forever.
    ///
    /// - Parameters:
    ///   - delay: hundredths of a second per frame (GIF's unit; browsers show delays under 2 as 10).
    ///   - sample: frames representative of the animation, for the palette (a few evenly spaced ones).
    ///   - colours: colours to keep exactly in the palette (the scene's), most important first.
    public init(width: Int, height: Int, delay: Int, sample: [RGBImage], colours: [DrawingColour] = []) {
        self.width = width
        self.height = height
        self.delay = delay
        palette = Palette(sample, exact: colours)
        bytes = Array("GIF89a".utf8)
        bytes += Self.little(width) + Self.little(height) + [0xF7, 0, 0]  // global table of 256 colours, background 0
        for entry in 0..<256 {
            let colour = entry < palette.colours.count ? palette.colours[entry] : (0, 0, 0)
            bytes += [colour.0, colour.1, colour.2]
        }
        bytes += [0x21, 0xFF, 0x0B] + Array("NETSCAPE2.0".utf8) + [0x03, 0x01, 0x00, 0x00, 0x00]  // loop forever
    }

    /// Appends one frame.
    /// - Precondition: `image` has the GIF's size.
    public mutating func append(_ image: RGBImage) {
        precondition(image.width == width && image.height == height, "frames differ in size")
        let indices = palette.indices(of: image)
        // The changed rectangle (the whole image for the first frame; one pixel if nothing changed).
        var (left, top, right, bottom) = (0, 0, width - 1, height - 1)
        if let previous {
            (left, top, right, bottom) = (width, height, -1, -1)
            for y in 0..<height {
                for x in 0..<width where indices[y * width + x] != previous[y * width + x] {
                    left = min(left, x); right = max(right, x); top = min(top, y); bottom = max(bottom, y)
                }
            }
            if right < 0 { (left, top, right, bottom) = (0, 0, 0, 0) }
        }
        previous = indices
        let w = right - left + 1, h = bottom - top + 1
        var region = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w { region[y * w + x] = indices[(top + y) * width + left + x] } }

        bytes += [0x21, 0xF9, 0x04, 0x04] + Self.little(delay) + [0x00, 0x00]  // keep the previous frame below
        bytes += [0x2C] + Self.little(left) + Self.little(top) + Self.little(w) + Self.little(h) + [0x00]
        bytes.append(8)  // LZW minimum code size
        let compressed = LZW.compress(region)
        var offset = 0
        while offset < compressed.count {
            let count = min(255, compressed.count - offset)
            bytes.append(UInt8(count))
            bytes += compressed[offset..<(offset + count)]
            offset += count
        }
        bytes.append(0)
    }

    /// The finished file.
    public func finished() -> [UInt8] { bytes + [0x3B] }

    /// The GIF file of `images` (the palette from all of them), shown `delay` hundredths of a second each.
    /// - Precondition: at least one image, all of the first one's size.
    public static func encode(_ images: [RGBImage], delay: Int, colours: [DrawingColour] = []) -> [UInt8] {
        precondition(!images.isEmpty, "a GIF needs a frame")
        var encoder = GIFEncoder(width: images[0].width, height: images[0].height, delay: delay, sample: images,
                                 colours: colours)
        for image in images { encoder.append(image) }
        return encoder.finished()
    }

    /// A 16-bit little-endian value.
    static func little(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
}

/// A palette of at most 256 colours and the map from 5-bit colour cells to palette entries.
struct Palette {
    /// The entries, as bytes.
    var colours: [(UInt8, UInt8, UInt8)] = []
    /// For each 15-bit cell, its palette entry.
    var cellEntry = [UInt8](repeating: 0, count: 32768)

    static func cell(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int { Int(r >> 3) << 10 | Int(g >> 3) << 5 | Int(b >> 3) }

    init(_ images: [RGBImage], exact: [DrawingColour]) {
        var seen = Set<Int>()
        for colour in exact {
            let c = RGBImage.components(colour)
            let key = Int(c.0) << 16 | Int(c.1) << 8 | Int(c.2)
            if colours.count < 256 && seen.insert(key).inserted { colours.append(c) }
        }
        // The most frequent other cells of the sample.
        var counts = [Int](repeating: 0, count: 32768)
        for image in images {
            let bytes = image.bytes
            for index in Swift.stride(from: 0, to: bytes.count, by: 3) {
                counts[Palette.cell(bytes[index], bytes[index + 1], bytes[index + 2])] += 1
            }
        }
        let exactCells = Set(colours.map { Palette.cell($0.0, $0.1, $0.2) })
        let popular = counts.indices.filter { counts[$0] > 0 && !exactCells.contains($0) }
            .sorted { (counts[$0], $1) > (counts[$1], $0) }
        for cell in popular.prefix(256 - colours.count) {
            func centre(_ bits: Int) -> UInt8 { UInt8((bits & 31) << 3 | 4) }
            colours.append((centre(cell >> 10), centre(cell >> 5), centre(cell)))
        }
        if colours.isEmpty { colours.append((0, 0, 0)) }
        // Each cell's nearest entry, measured from the cell's centre; an exact colour's own cell maps to it.
        for cell in 0..<32768 {
            let r = Int((cell >> 10) & 31) << 3 | 4, g = Int((cell >> 5) & 31) << 3 | 4, b = Int(cell & 31) << 3 | 4
            var best = 0, bestDistance = Int.max
            for (entry, colour) in colours.enumerated() {
                let dr = r - Int(colour.0), dg = g - Int(colour.1), db = b - Int(colour.2)
                let distance = 3 * dr * dr + 4 * dg * dg + 2 * db * db
                if distance < bestDistance { (best, bestDistance) = (entry, distance) }
            }
            cellEntry[cell] = UInt8(best)
        }
        for (entry, colour) in colours.enumerated().reversed() where entry < exact.count {
            cellEntry[Palette.cell(colour.0, colour.1, colour.2)] = UInt8(entry)
        }
    }

    /// The palette entry of every pixel of `image`, row by row.
    func indices(of image: RGBImage) -> [UInt8] {
        var indices = [UInt8](repeating: 0, count: image.width * image.height)
        image.bytes.withUnsafeBufferPointer { bytes in
            for pixel in indices.indices {
                indices[pixel] = cellEntry[Palette.cell(bytes[3 * pixel], bytes[3 * pixel + 1], bytes[3 * pixel + 2])]
            }
        }
        return indices
    }
}

/// GIF's variable-length LZW with 8-bit symbols: clear code 256, end code 257, codes up to 12 bits, the table
/// cleared when full (the scheme of the GIF89a specification, appendix F).
public enum LZW {
    /// The code stream of `symbols` (minimum code size 8), packed least significant bit first, as a GIF image's
    /// data sub-blocks carry it.
    public static func compress(_ symbols: [UInt8]) -> [UInt8] {
        let clear = 256, end = 257
        var child = [Int16](repeating: 0, count: 4096 * 256)  // child[code · 256 + symbol]: the longer code
        var used: [Int] = []
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        var codeSize = 9, next = 258
        func emit(_ code: Int) {
            buffer |= code << bits
            bits += codeSize
            while bits >= 8 {
                out.append(UInt8(buffer & 0xFF))
                buffer >>= 8
                bits -= 8
            }
        }
        emit(clear)
        guard var prefix = symbols.first.map(Int.init) else {
            emit(end)
            if bits > 0 { out.append(UInt8(buffer & 0xFF)) }
            return out
        }
        for symbol in symbols.dropFirst() {
            let slot = prefix << 8 | Int(symbol)
            if child[slot] != 0 {
                prefix = Int(child[slot])
                continue
            }
            emit(prefix)
            child[slot] = Int16(next)
            used.append(slot)
            if next >= (1 << codeSize) { codeSize += 1 }
            next += 1
            if next == 4096 {
                emit(clear)
                for slot in used { child[slot] = 0 }
                used.removeAll(keepingCapacity: true)
                codeSize = 9
                next = 258
            }
            prefix = Int(symbol)
        }
        emit(prefix)
        emit(end)
        if bits > 0 { out.append(UInt8(buffer & 0xFF)) }
        return out
    }
}
