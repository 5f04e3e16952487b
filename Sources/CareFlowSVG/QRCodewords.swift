/// The final message of a symbol (ISO/IEC 18004 clauses 7.4 to 7.6): the bytes in byte mode
/// with their count, the terminator and padding, split into Reed–Solomon blocks, each block's
/// error correction added, and data and error-correction codewords interleaved block by block.
enum QRCodewords {
    /// Data codewords of `bytes` in byte mode, padded to the capacity of the version and level.
    static func data(_ bytes: [UInt8], version: Int, level: QRCorrectionLevel) -> [UInt8] {
        let capacityBits = QRVersionTable.dataCodewords(version, level) * 8
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: QRVersionTable.byteCountBits(version))
        for byte in bytes { bits.append(Int(byte), count: 8) }
        // Terminator: up to four zero bits, fewer when the symbol is full (7.4.9).
        bits.append(0, count: min(4, capacityBits - bits.count))
        // Zero bits to the next codeword boundary (7.4.10).
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        // Pad codewords 11101100 and 00010001 alternately up to the capacity.
        let pads: [UInt8] = [0xEC, 0x11]
        var next = 0
        while codewords.count * 8 < capacityBits {
            codewords.append(pads[next])
            next ^= 1
        }
        return codewords
    }

    /// Data and error-correction codewords in the order they are placed in the matrix.
    static func interleaved(_ data: [UInt8], version: Int, level: QRCorrectionLevel) -> [UInt8] {
        let blocks = QRVersionTable.blockCount(version, level)
        let eccLength = QRVersionTable.eccCodewordsPerBlock(version, level)
        let total = QRVersionTable.totalCodewords(version)
        // When the codewords do not split evenly, the later blocks ("long" ones) carry one more
        // data codeword than the earlier ("short") ones (Table 9).
        let shortBlocks = blocks - total % blocks
        let shortDataLength = total / blocks - eccLength

        var dataBlocks: [[UInt8]] = []
        var eccBlocks: [[UInt8]] = []
        var offset = 0
        for index in 0..<blocks {
            let length = shortDataLength + (index < shortBlocks ? 0 : 1)
            let block = Array(data[offset..<offset + length])
            offset += length
            dataBlocks.append(block)
            eccBlocks.append(ReedSolomon.errorCorrection(for: block, count: eccLength))
        }

        var result: [UInt8] = []
        result.reserveCapacity(total)
        for column in 0..<(shortDataLength + 1) {
            for block in dataBlocks where column < block.count {
                result.append(block[column])
            }
        }
        for column in 0..<eccLength {
            for block in eccBlocks { result.append(block[column]) }
        }
        return result
    }
}

/// Bits appended most significant first, read back as bytes.
struct BitBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    mutating func append(_ value: Int, count bitCount: Int) {
        for shift in stride(from: bitCount - 1, through: 0, by: -1) {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> shift) & 1 == 1 {
                bytes[bytes.count - 1] |= UInt8(0x80 >> (count % 8))
            }
            count += 1
        }
    }
}
