import Foundation

/// The text one PDF content stream shows: the strings of `Tj`, `TJ`, `'` and `"`, with line
/// breaks where the text moves to a new line (`T*`, `Td`/`TD` with a vertical move, `Tm`, `ET`)
/// and a space where a `TJ` leaves a wide gap. Everything else (paths, colours, fonts, inline
/// images) is skipped. Operand stacks and nesting are bounded: the stream is outside input.
enum ContentStreamText {
    indirect enum Operand {
        case string([UInt8])
        case number(Double)
        case array([Operand])
        case other
    }

    static let maxOperands = 64
    static let maxArrayDepth = 8
    static let maxStringBytes = 64 * 1024

    static func read(_ bytes: [UInt8]) -> String {
        var reader = Reader(bytes: bytes)
        var text = ""
        var operands: [Operand] = []
        var arrays: [[Operand]] = []

        func push(_ operand: Operand) {
            if arrays.isEmpty {
                if operands.count < maxOperands { operands.append(operand) }
            } else if arrays[arrays.count - 1].count < 4096 {
                arrays[arrays.count - 1].append(operand)
            }
        }

        while let c = reader.peek() {
            switch c {
            case _ where Reader.isWhitespace(c):
                reader.index += 1
            case UInt8(ascii: "%"):
                while let n = reader.peek(), n != 0x0A, n != 0x0D { reader.index += 1 }
            case UInt8(ascii: "("):
                push(.string(reader.literalString()))
            case UInt8(ascii: "<"):
                if reader.peek(1) == UInt8(ascii: "<") {
                    reader.index += 2
                } else {
                    push(.string(reader.hexString()))
                }
            case UInt8(ascii: ">"):
                reader.index += 1
            case UInt8(ascii: "["):
                reader.index += 1
                if arrays.count < maxArrayDepth { arrays.append([]) }
            case UInt8(ascii: "]"):
                reader.index += 1
                if let array = arrays.popLast() { push(.array(array)) }
            case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ")"):
                reader.index += 1
            case UInt8(ascii: "/"):
                reader.index += 1
                _ = reader.regularRun()
                push(.other)
            default:
                let word = reader.regularRun()
                guard !word.isEmpty else {
                    reader.index += 1
                    continue
                }
                if let number = Double(String(decoding: word, as: UTF8.self)) {
                    push(.number(number))
                    continue
                }
                let op = String(decoding: word, as: UTF8.self)
                show(op, operands, into: &text)
                if op == "BI" { reader.skipInlineImage() }
                operands.removeAll(keepingCapacity: true)
                arrays.removeAll()
            }
        }
        return text
    }

    static func show(_ op: String, _ operands: [Operand], into text: inout String) {
        switch op {
        case "Tj":
            if case .string(let s)? = operands.last { text += decode(s) }
        case "'", "\"":
            text += "\n"
            if case .string(let s)? = operands.last { text += decode(s) }
        case "TJ":
            guard case .array(let items)? = operands.last else { return }
            for item in items {
                switch item {
                case .string(let s): text += decode(s)
                // Offsets are thousandths of an em; a gap this wide is a space between words.
                case .number(let n) where n < -200: text += " "
                default: break
                }
            }
        case "T*", "Tm", "ET":
            text += "\n"
        case "Td", "TD":
            if operands.count >= 2, case .number(let ty) = operands[operands.count - 1], ty != 0 {
                text += "\n"
            } else {
                text += " "
            }
        default:
            break
        }
    }

    /// UTF-16 with a byte-order mark, else one byte per character (PDFDocEncoding and WinAnsi
    /// agree with Latin-1 on the characters a prescription uses).
    static func decode(_ bytes: [UInt8]) -> String {
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            var units: [UInt16] = []
            var i = 2
            while i + 1 < bytes.count {
                units.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
                i += 2
            }
            return String(decoding: units, as: UTF16.self)
        }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0

        func peek(_ offset: Int = 0) -> UInt8? {
            index + offset < bytes.count ? bytes[index + offset] : nil
        }

        static func isWhitespace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 || c == 0x0C || c == 0x00 }

        static func isDelimiter(_ c: UInt8) -> Bool { "()<>[]{}/%".utf8.contains(c) }

        /// An operator, a number or a name's characters.
        mutating func regularRun() -> [UInt8] {
            let start = index
            while let c = peek(), !Self.isWhitespace(c), !Self.isDelimiter(c) { index += 1 }
            return Array(bytes[start..<index])
        }

        /// `( … )` with nested parentheses and escapes; the reader ends after the closing one.
        mutating func literalString() -> [UInt8] {
            index += 1
            var out: [UInt8] = []
            var depth = 1
            while let c = peek() {
                index += 1
                switch c {
                case UInt8(ascii: "\\"):
                    guard let e = peek() else { return out }
                    index += 1
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case 0x0D:
                        if peek() == 0x0A { index += 1 }  // a line continuation
                    case 0x0A:
                        break
                    case UInt8(ascii: "0")...UInt8(ascii: "7"):
                        var value = Int(e - UInt8(ascii: "0"))
                        for _ in 0..<2 {
                            guard let d = peek(), (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(d) else { break }
                            value = value * 8 + Int(d - UInt8(ascii: "0"))
                            index += 1
                        }
                        out.append(UInt8(truncatingIfNeeded: value))
                    default:
                        out.append(e)  // \( \) \\ and any other escaped character stand for themselves
                    }
                case UInt8(ascii: "("):
                    depth += 1
                    out.append(c)
                case UInt8(ascii: ")"):
                    depth -= 1
                    if depth == 0 { return out }
                    out.append(c)
                default:
                    out.append(c)
                }
                if out.count > ContentStreamText.maxStringBytes { return out }
            }
            return out
        }

        /// `< … >`: hex digit pairs, whitespace ignored, an odd last digit padded with 0.
        mutating func hexString() -> [UInt8] {
            index += 1
            var out: [UInt8] = []
            var high: UInt8?
            while let c = peek() {
                index += 1
                if c == UInt8(ascii: ">") { break }
                guard let nibble = Self.hexValue(c) else { continue }
                if let h = high {
                    out.append(h << 4 | nibble)
                    high = nil
                } else {
                    high = nibble
                }
                if out.count > ContentStreamText.maxStringBytes { break }
            }
            if let h = high { out.append(h << 4) }
            return out
        }

        static func hexValue(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }

        /// After `BI … ID`, the image's raw bytes run to an `EI` between whitespace.
        mutating func skipInlineImage() {
            while let c = peek() {
                if c == UInt8(ascii: "I"), peek(1) == UInt8(ascii: "D"), index > 0, Self.isWhitespace(bytes[index - 1]) {
                    index += 3
                    break
                }
                index += 1
            }
            while let c = peek() {
                if c == UInt8(ascii: "E"), peek(1) == UInt8(ascii: "I"), index > 0, Self.isWhitespace(bytes[index - 1]),
                   peek(2).map(Self.isWhitespace) ?? true {
                    index += 2
                    return
                }
                index += 1
            }
        }
    }
}
