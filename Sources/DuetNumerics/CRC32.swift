/// CRC-32 (IEEE 802.3, the checksum of zip and PNG): reflected polynomial 0xEDB88320, initial value and final
/// XOR 0xFFFFFFFF. `CRC32.checksum(of: Array("123456789".utf8)) == 0xCBF43926`.
public enum CRC32 {
    /// The byte-at-a-time lookup table.
    private static let table: [UInt32] = (0..<256).map { byte in
        var value = UInt32(byte)
        for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
        return value
    }

    /// The CRC-32 of `bytes`.
    public static func checksum(of bytes: some Collection<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        let table = Self.table
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }
}
