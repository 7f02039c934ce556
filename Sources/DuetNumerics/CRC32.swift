/// CRC-32 (IEEE 802.3, the checksum of zip and PNG): reflected polynomial 0xEDB88320, initial value and final
/// XOR 0xFFFFFFFF. `CRC32.checksum(of: Array("123456789".utf8)) == 0xCBF43926`.
///
/// Contiguous bytes are checksummed eight at a time ("slicing-by-8", eight lookup tables), about eight times
/// faster than a byte at a time, which matters for checkpoints of large replay buffers.
public enum CRC32 {
    /// Table k maps a byte to its CRC contribution k bytes further on; table 0 is the classic byte table.
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var value = UInt32(byte)
            for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
            tables[byte] = value
        }
        for table in 1..<8 {
            for byte in 0..<256 {
                let previous = tables[(table - 1) * 256 + byte]
                tables[table * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    /// The CRC-32 of `bytes`.
    public static func checksum(of bytes: some Collection<UInt8>) -> UInt32 {
        if let crc = bytes.withContiguousStorageIfAvailable({ checksum(contiguous: UnsafeRawBufferPointer($0)) }) {
            return crc
        }
        return checksum(contiguous: UnsafeRawBufferPointer(start: nil, count: 0), continuing: Array(bytes))
    }

    /// The CRC-32 of a contiguous buffer, optionally followed by `tail`.
    private static func checksum(contiguous buffer: UnsafeRawBufferPointer, continuing tail: [UInt8] = []) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        tables.withUnsafeBufferPointer { table in
            var index = 0
            let count = buffer.count
            while index + 8 <= count {
                let low = crc ^ (UInt32(buffer[index]) | UInt32(buffer[index + 1]) << 8
                    | UInt32(buffer[index + 2]) << 16 | UInt32(buffer[index + 3]) << 24)
                crc = table[7 * 256 + Int(low & 0xFF)] ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)] ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(buffer[index + 4])] ^ table[2 * 256 + Int(buffer[index + 5])]
                    ^ table[256 + Int(buffer[index + 6])] ^ table[Int(buffer[index + 7])]
                index += 8
            }
            while index < count {
                crc = table[Int((crc ^ UInt32(buffer[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
            for byte in tail { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
