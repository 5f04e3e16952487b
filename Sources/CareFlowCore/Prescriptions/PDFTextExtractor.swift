import CompressNIO
import Foundation
import NIOCore

/// The text of a PDF prescription, read from the text-showing operators (`Tj`, `TJ`, `'`, `"`)
/// of its content streams, uncompressed (FlateDecode) when they are. Deliberately minimal: no
/// fonts, no layout, no encryption, no object streams. The file is outside input, so every loop
/// is bounded: the file's size, the number of streams, each stream's and the total inflated
/// size, and the length of the text.
///
/// Strings are read as PDFDocEncoding/Latin-1 bytes, or UTF-16 with a byte-order mark. Fonts
/// with two-byte glyph ids and no standard encoding (many word processors' PDFs) give no
/// readable text: that is reported as "no extractable text", never as garbage.
public struct PDFTextExtractor: Sendable {
    public struct Limits: Sendable {
        public var maxFileBytes = 5 * 1024 * 1024
        public var maxStreams = 256
        public var maxInflatedStreamBytes = 4 * 1024 * 1024
        public var maxInflatedTotalBytes = 16 * 1024 * 1024
        public var maxTextCharacters = 100_000

        public init() {}
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notAPDF
        case tooLarge(String)
        case noText

        public var description: String {
            switch self {
            case .notAPDF: "is not a PDF file"
            case .tooLarge(let what): "is too large to read: \(what)"
            case .noText: "has no extractable text (a scanned image, or fonts without a text encoding)"
            }
        }
    }

    public let limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    public func text(of pdf: [UInt8]) throws -> String {
        guard pdf.count <= limits.maxFileBytes else { throw Failure.tooLarge("more than \(limits.maxFileBytes) bytes") }
        guard pdf.starts(with: Array("%PDF-".utf8)) else { throw Failure.notAPDF }
        var output = ""
        var inflatedTotal = 0
        var streams = 0
        var cursor = 0
        // Every `stream` keyword counts, read or not: a file of keywords without dictionaries
        // must not cost a backward search each, unbounded.
        var candidates = limits.maxStreams * 4
        while let stream = try Self.nextStream(in: pdf, from: cursor, candidates: &candidates) {
            cursor = stream.end
            streams += 1
            guard streams <= limits.maxStreams else { throw Failure.tooLarge("more than \(limits.maxStreams) streams") }
            guard Self.mayHoldText(stream.dictionary) else { continue }
            let content: [UInt8]
            switch Self.filter(of: stream.dictionary) {
            case .none: content = Array(pdf[stream.data])
            case .flate:
                guard let inflated = try inflate(pdf[stream.data]) else { continue }
                content = inflated
            case .unsupported: continue
            }
            inflatedTotal += content.count
            guard inflatedTotal <= limits.maxInflatedTotalBytes else {
                throw Failure.tooLarge("more than \(limits.maxInflatedTotalBytes) bytes of content")
            }
            let shown = ContentStreamText.read(content)
            if !shown.isEmpty { output += (output.isEmpty ? "" : "\n") + shown }
            guard output.count <= limits.maxTextCharacters else {
                throw Failure.tooLarge("more than \(limits.maxTextCharacters) characters of text")
            }
        }
        let text = Self.tidy(output)
        guard Self.isReadable(text) else { throw Failure.noText }
        return text
    }

    // MARK: - Streams

    /// How far back a stream's dictionary is looked for: they are a few hundred bytes.
    static let maxDictionaryBytes = 4 * 1024

    struct Stream {
        let dictionary: String
        let data: Range<Int>
        let end: Int
    }

    /// The next `<< … >> stream … endstream` from `start`; each `stream` keyword examined uses
    /// one of `candidates`.
    static func nextStream(in pdf: [UInt8], from start: Int, candidates: inout Int) throws -> Stream? {
        var search = start
        while let keyword = find(Array("stream".utf8), in: pdf, from: search) {
            search = keyword + 6
            // Not the tail of "endstream", and followed by an end of line.
            if keyword >= 3, pdf[(keyword - 3)..<keyword].elementsEqual("end".utf8) { continue }
            var dataStart = keyword + 6
            if dataStart < pdf.count, pdf[dataStart] == 0x0D { dataStart += 1 }
            guard dataStart < pdf.count, pdf[dataStart] == 0x0A || pdf[dataStart - 1] == 0x0D else { continue }
            candidates -= 1
            guard candidates >= 0 else { throw Failure.tooLarge("too many stream keywords") }
            if pdf[dataStart] == 0x0A { dataStart += 1 }
            guard let dictionaryEnd = findBackward(Array(">>".utf8), in: pdf, before: keyword),
                  let dictionaryStart = dictionaryStart(in: pdf, closingAt: dictionaryEnd) else { continue }
            let dictionary = String(decoding: pdf[dictionaryStart..<(dictionaryEnd + 2)], as: UTF8.self)
            // /Length when it is a direct number that lands on `endstream`; otherwise the next `endstream`.
            var dataEnd: Int?
            if let length = directLength(dictionary), length >= 0, dataStart + length <= pdf.count {
                var after = dataStart + length
                while after < pdf.count, [0x0D, 0x0A, 0x20].contains(pdf[after]) { after += 1 }
                if pdf[after...].starts(with: Array("endstream".utf8)) { dataEnd = dataStart + length }
            }
            if dataEnd == nil, let end = find(Array("endstream".utf8), in: pdf, from: dataStart) {
                var trimmed = end
                if trimmed > dataStart, pdf[trimmed - 1] == 0x0A { trimmed -= 1 }
                if trimmed > dataStart, pdf[trimmed - 1] == 0x0D { trimmed -= 1 }
                dataEnd = trimmed
            }
            guard let dataEnd else { return nil }
            return Stream(dictionary: dictionary, data: dataStart..<dataEnd, end: dataEnd)
        }
        return nil
    }

    /// The `<<` that opens the dictionary whose `>>` is at `end`, counting nested dictionaries.
    static func dictionaryStart(in pdf: [UInt8], closingAt end: Int) -> Int? {
        var depth = 0
        // From the second `>` of the closing `>>`, so that it is the first pair counted.
        var i = end + 1
        // Dictionaries of a stream are short; do not walk back through the whole file.
        let floor = max(1, end - maxDictionaryBytes)
        while i >= floor, i < pdf.count {
            if pdf[i] == UInt8(ascii: ">"), pdf[i - 1] == UInt8(ascii: ">") {
                depth += 1
                i -= 2
            } else if pdf[i] == UInt8(ascii: "<"), pdf[i - 1] == UInt8(ascii: "<") {
                depth -= 1
                if depth == 0 { return i - 1 }
                i -= 2
            } else {
                i -= 1
            }
        }
        return nil
    }

    static func directLength(_ dictionary: String) -> Int? {
        guard let range = dictionary.range(of: "/Length") else { return nil }
        let rest = dictionary[range.upperBound...]
        guard rest.first?.isWhitespace == true else { return nil }  // `/Length1` of a font file
        let tokens = rest.split(whereSeparator: { $0.isWhitespace || $0 == "/" || $0 == ">" }).prefix(2)
        guard let first = tokens.first, let length = Int(first) else { return nil }
        // `12 0 R` is an indirect reference, not a length.
        if tokens.count == 2, Int(tokens[tokens.index(after: tokens.startIndex)]) != nil { return nil }
        return length
    }

    /// Images, fonts, metadata, cross-reference and object streams show no text.
    static func mayHoldText(_ dictionary: String) -> Bool {
        let skipped = ["/Image", "/XRef", "/ObjStm", "/Metadata", "/Length1", "/Length2", "/Length3", "/FontFile", "/EmbeddedFile",
                       "/DecodeParms"]
        return !skipped.contains { dictionary.contains($0) }
    }

    enum Filter { case none, flate, unsupported }

    static func filter(of dictionary: String) -> Filter {
        guard let range = dictionary.range(of: "/Filter") else { return .none }
        let rest = dictionary[range.upperBound...].drop { $0.isWhitespace }
        let names: [String]
        if rest.first == "[" {
            names = rest.dropFirst().prefix { $0 != "]" }.split { $0 == "/" || $0.isWhitespace }.map(String.init)
        } else if rest.first == "/" {
            names = [String(rest.dropFirst().prefix { !$0.isWhitespace && !"/<>[]".contains($0) })]
        } else {
            return .unsupported  // an indirect reference: not worth following for a prescription
        }
        return names == ["FlateDecode"] || names == ["Fl"] ? .flate : .unsupported
    }

    /// zlib-inflated bytes, bounded; nil for a stream that is not valid zlib (skipped).
    func inflate(_ data: ArraySlice<UInt8>) throws -> [UInt8]? {
        var buffer = ByteBuffer(bytes: data)
        do {
            var inflated = try buffer.decompress(with: .zlib(), maxSize: limits.maxInflatedStreamBytes)
            return inflated.readBytes(length: inflated.readableBytes)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw Failure.tooLarge("a stream inflates to more than \(limits.maxInflatedStreamBytes) bytes")
        } catch {
            return nil
        }
    }

    // MARK: - Bytes

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    static func findBackward(_ needle: [UInt8], in haystack: [UInt8], before end: Int) -> Int? {
        var i = min(end, haystack.count) - needle.count
        let floor = max(0, end - maxDictionaryBytes)
        while i >= floor {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }

    // MARK: - Text

    /// Lines trimmed, runs of spaces and blank lines collapsed, control characters dropped.
    static func tidy(_ text: String) -> String {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.filter {
            $0 == "\n" || !(CharacterSet.controlCharacters.contains($0) || $0.value == 0xFFFD)
        }))
        return cleaned.split(separator: "\n").map { line in
            line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// Some words, and mostly characters a prescription is written with: glyph ids read as
    /// Latin-1 come out as a scatter of symbols, which is no text.
    static func isReadable(_ text: String) -> Bool {
        let scalars = text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }
        guard scalars.filter({ CharacterSet.letters.contains($0) }).count >= 3 else { return false }
        let ordinary = scalars.filter { CharacterSet.alphanumerics.contains($0) || CharacterSet.punctuationCharacters.contains($0) }
        return Double(ordinary.count) >= 0.8 * Double(scalars.count)
    }
}
