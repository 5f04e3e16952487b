import Foundation

/// Decompresses a gzip file (RFC 1952) holding one DEFLATE stream (RFC 1951).
///
/// Foundation on Linux has no inflate and the library may depend only on swift-crypto, so the
/// readmission dataset (19 MB as CSV, 3 MB as the verified .gz) is shipped compressed and inflated
/// here. The gzip CRC-32 is not checked: callers verify the SHA-256 of the inflated bytes, which is
/// strictly stronger.
public enum GzipInflater {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case notGzip
        case truncated
        case invalidBlock(String)
        case sizeMismatch(expected: Int, actual: Int)

        public var description: String {
            switch self {
            case .notGzip: "not a gzip stream (bad magic or method)"
            case .truncated: "gzip stream is truncated"
            case .invalidBlock(let why): "invalid DEFLATE data: \(why)"
            case .sizeMismatch(let expected, let actual):
                "gzip trailer says \(expected) bytes but \(actual) were inflated"
            }
        }
    }

    public static func decompress(_ gzip: [UInt8]) throws(Failure) -> [UInt8] {
        guard gzip.count >= 18, gzip[0] == 0x1f, gzip[1] == 0x8b, gzip[2] == 8 else { throw .notGzip }
        let flags = gzip[3]
        var position = 10
        if flags & 0x04 != 0 {  // FEXTRA
            guard position + 2 <= gzip.count else { throw .truncated }
            position += 2 + Int(gzip[position]) + Int(gzip[position + 1]) << 8
        }
        for flag in [UInt8(0x08), 0x10] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
            while position < gzip.count, gzip[position] != 0 { position += 1 }
            position += 1
        }
        if flags & 0x02 != 0 { position += 2 }  // FHCRC
        guard position < gzip.count - 8 else { throw .truncated }
        let trailer = gzip.count - 4
        let expectedSize = Int(gzip[trailer]) | Int(gzip[trailer + 1]) << 8
            | Int(gzip[trailer + 2]) << 16 | Int(gzip[trailer + 3]) << 24
        var inflater = Inflater(input: gzip, position: position)
        inflater.output.reserveCapacity(expectedSize)
        try inflater.run()
        // ISIZE is the length modulo 2^32.
        guard inflater.output.count & 0xFFFF_FFFF == expectedSize else {
            throw .sizeMismatch(expected: expectedSize, actual: inflater.output.count)
        }
        return inflater.output
    }
}

/// Canonical Huffman decoding table in the count/symbol form of zlib's reference `puff.c`.
private struct HuffmanTable {
    var counts = [Int](repeating: 0, count: 16)
    var symbols: [Int]

    init(lengths: ArraySlice<Int>) throws(GzipInflater.Failure) {
        symbols = [Int](repeating: 0, count: lengths.count)
        for length in lengths { counts[length] += 1 }
        var offsets = [Int](repeating: 0, count: 16)
        for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
        for (symbol, length) in lengths.enumerated() where length != 0 {
            symbols[offsets[length]] = symbol
            offsets[length] += 1
        }
    }
}

private struct Inflater {
    let input: [UInt8]
    var position: Int
    var bitBuffer = 0
    var bitCount = 0
    var output: [UInt8] = []

    init(input: [UInt8], position: Int) {
        self.input = input
        self.position = position
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    mutating func bits(_ need: Int) throws(GzipInflater.Failure) -> Int {
        var value = bitBuffer
        while bitCount < need {
            guard position < input.count else { throw .truncated }
            value |= Int(input[position]) << bitCount
            position += 1
            bitCount += 8
        }
        bitBuffer = value >> need
        bitCount -= need
        return value & ((1 << need) - 1)
    }

    mutating func decode(_ table: HuffmanTable) throws(GzipInflater.Failure) -> Int {
        var code = 0, first = 0, index = 0
        for length in 1...15 {
            code |= try bits(1)
            let count = table.counts[length]
            if code - count < first { return table.symbols[index + (code - first)] }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        throw .invalidBlock("code longer than 15 bits")
    }

    mutating func run() throws(GzipInflater.Failure) {
        var isLast = false
        while !isLast {
            isLast = try bits(1) == 1
            switch try bits(2) {
            case 0: try storedBlock()
            case 1: try fixedBlock()
            case 2: try dynamicBlock()
            default: throw .invalidBlock("reserved block type")
            }
        }
    }

    mutating func storedBlock() throws(GzipInflater.Failure) {
        bitBuffer = 0
        bitCount = 0
        guard position + 4 <= input.count else { throw .truncated }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard length == (~complement & 0xFFFF) else { throw .invalidBlock("stored length check") }
        position += 4
        guard position + length <= input.count else { throw .truncated }
        output.append(contentsOf: input[position..<position + length])
        position += length
    }

    mutating func fixedBlock() throws(GzipInflater.Failure) {
        var lengths = [Int](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        let literals = try HuffmanTable(lengths: lengths[...])
        let distances = try HuffmanTable(lengths: [Int](repeating: 5, count: 30)[...])
        try codes(literals, distances)
    }

    mutating func dynamicBlock() throws(GzipInflater.Failure) {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeLengthCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw .invalidBlock("too many codes") }
        var codeLengthLengths = [Int](repeating: 0, count: 19)
        for index in 0..<codeLengthCount { codeLengthLengths[Self.codeLengthOrder[index]] = try bits(3) }
        let codeLengthTable = try HuffmanTable(lengths: codeLengthLengths[...])
        var lengths = [Int](repeating: 0, count: literalCount + distanceCount)
        var index = 0
        while index < lengths.count {
            let symbol = try decode(codeLengthTable)
            if symbol < 16 {
                lengths[index] = symbol
                index += 1
                continue
            }
            var repeated = 0
            var times: Int
            switch symbol {
            case 16:
                guard index > 0 else { throw .invalidBlock("repeat with no previous length") }
                repeated = lengths[index - 1]
                times = 3 + (try bits(2))
            case 17: times = 3 + (try bits(3))
            default: times = 11 + (try bits(7))
            }
            guard index + times <= lengths.count else { throw .invalidBlock("too many lengths") }
            for _ in 0..<times {
                lengths[index] = repeated
                index += 1
            }
        }
        guard lengths[256] != 0 else { throw .invalidBlock("no end-of-block code") }
        let literals = try HuffmanTable(lengths: lengths[0..<literalCount])
        let distances = try HuffmanTable(lengths: lengths[literalCount...])
        try codes(literals, distances)
    }

    mutating func codes(_ literals: HuffmanTable, _ distances: HuffmanTable) throws(GzipInflater.Failure) {
        while true {
            let symbol = try decode(literals)
            if symbol < 256 {
                output.append(UInt8(symbol))
            } else if symbol == 256 {
                return
            } else {
                let lengthIndex = symbol - 257
                guard lengthIndex < 29 else { throw .invalidBlock("bad length symbol") }
                let length = Self.lengthBase[lengthIndex] + (try bits(Self.lengthExtra[lengthIndex]))
                let distanceSymbol = try decode(distances)
                guard distanceSymbol < 30 else { throw .invalidBlock("bad distance symbol") }
                let distance = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
                guard distance <= output.count else { throw .invalidBlock("distance too far back") }
                let start = output.count - distance
                for offset in 0..<length { output.append(output[start + offset]) }
            }
        }
    }
}
