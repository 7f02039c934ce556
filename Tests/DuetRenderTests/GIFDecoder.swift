/// A minimal GIF89a reader for the tests, written from the specification independently of the encoder: the
/// global palette, each image's rectangle, and LZW decoding; frames are composited as "do not dispose" says.
struct GIFDecoder {
    /// Width and height of the logical screen.
    var width = 0, height = 0
    /// The composited frames, RGB bytes row by row.
    var frames: [[UInt8]] = []
    /// Each frame's delay, hundredths of a second.
    var delays: [Int] = []
    /// Whether the NETSCAPE2.0 loop extension is present.
    var loops = false

    enum Failure: Error { case malformed(String) }

    init(_ bytes: [UInt8]) throws {
        guard bytes.count > 13, String(decoding: bytes[0..<6], as: UTF8.self) == "GIF89a" else {
            throw Failure.malformed("no GIF89a signature")
        }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        width = u16(6); height = u16(8)
        let flags = bytes[10]
        var position = 13
        var palette: [UInt8] = []
        if flags & 0x80 != 0 {
            let count = 3 * (1 << (Int(flags & 7) + 1))
            palette = Array(bytes[position..<(position + count)])
            position += count
        }
        var canvas = [UInt8](repeating: 0, count: width * height * 3)
        var delay = 0
        while position < bytes.count {
            switch bytes[position] {
            case 0x21:
                let label = bytes[position + 1]
                position += 2
                var blocks: [UInt8] = []
                while bytes[position] != 0 {
                    let size = Int(bytes[position])
                    blocks += bytes[(position + 1)...(position + size)]
                    position += size + 1
                }
                position += 1
                if label == 0xF9 { delay = Int(blocks[1]) | Int(blocks[2]) << 8 }
                if label == 0xFF && String(decoding: blocks.prefix(11), as: UTF8.self) == "NETSCAPE2.0" { loops = true }
            case 0x2C:
                let left = u16(position + 1), top = u16(position + 3), w = u16(position + 5), h = u16(position + 7)
                guard bytes[position + 9] & 0x80 == 0 else { throw Failure.malformed("local palettes unsupported") }
                let minimum = Int(bytes[position + 10])
                position += 11
                var data: [UInt8] = []
                while bytes[position] != 0 {
                    let size = Int(bytes[position])
                    data += bytes[(position + 1)...(position + size)]
                    position += size + 1
                }
                position += 1
                let indices = try GIFDecoder.decompress(data, minimumCodeSize: minimum)
                guard indices.count >= w * h else { throw Failure.malformed("short image data") }
                for y in 0..<h {
                    for x in 0..<w {
                        let entry = Int(indices[y * w + x]), pixel = 3 * ((top + y) * width + left + x)
                        for channel in 0..<3 { canvas[pixel + channel] = palette[3 * entry + channel] }
                    }
                }
                frames.append(canvas)
                delays.append(delay)
            case 0x3B:
                return
            default:
                throw Failure.malformed("unexpected block \(bytes[position]) at \(position)")
            }
        }
        throw Failure.malformed("no trailer")
    }

    /// GIF LZW decoding (least significant bit first, codes growing to 12 bits).
    static func decompress(_ data: [UInt8], minimumCodeSize: Int) throws -> [UInt8] {
        let clear = 1 << minimumCodeSize, end = clear + 1
        var table: [[UInt8]] = []
        var codeSize = minimumCodeSize + 1
        func reset() {
            table = (0..<clear).map { [UInt8($0)] } + [[], []]
            codeSize = minimumCodeSize + 1
        }
        reset()
        var output: [UInt8] = []
        var previous: [UInt8]? = nil
        var bitPosition = 0
        while bitPosition + codeSize <= data.count * 8 {
            var code = 0
            for bit in 0..<codeSize where data[(bitPosition + bit) / 8] & (1 << ((bitPosition + bit) % 8)) != 0 {
                code |= 1 << bit
            }
            bitPosition += codeSize
            if code == clear { reset(); previous = nil; continue }
            if code == end { return output }
            let entry: [UInt8]
            if code < table.count {
                entry = table[code]
            } else if code == table.count, let previous {
                entry = previous + [previous[0]]
            } else {
                throw Failure.malformed("code \(code) beyond the table (\(table.count))")
            }
            output += entry
            if let previous, table.count < 4096 { table.append(previous + [entry[0]]) }
            if table.count == 1 << codeSize && codeSize < 12 { codeSize += 1 }
            previous = entry
        }
        throw Failure.malformed("no end code")
    }
}
