import Foundation
import NIOCore
import NIOHTTP1

/// A multipart body (RFC 2046 §5.1.1, as RFC 7578 uses it for form data) parsed as it streams
/// in: feed it the body's chunks with `append`, then take `next()` events until it answers nil.
///
/// Why not MultipartKit's `MultipartParser`: it looks for the delimiter one byte at a time
/// through generic collection calls and hands over the body between two carriage returns as a
/// new buffer, about every 256 bytes of binary content; that loop was 90 % of an upload's CPU.
/// This one finds the delimiter with `memchr` + `memcmp` and hands over the body as slices of the
/// chunks it was given, without copying. MultipartKit's parser stays the reference it is tested
/// against (`MultipartStreamTests`), and it is stricter where MultipartKit is silent: a part's
/// header lines are bounded, and a bare CR, LF or other control character in them is refused.
struct MultipartStream {
    enum Event: Equatable {
        /// A part begins: all its header lines have arrived.
        case headers(HTTPHeaders)
        /// The next bytes of the current part's content: a view into the chunks, valid as given.
        case body(ByteBuffer)
        /// The current part's content ended at a delimiter.
        case partEnd
    }

    struct Malformed: Error, Equatable {
        let reason: String
    }

    /// Header lines of one part, CRLFs included, above this are refused (a part's headers are
    /// a Content-Disposition and perhaps a Content-Type: a few hundred bytes).
    static let defaultMaxHeaderBytes = 8 * 1024

    private enum State {
        /// Before the first delimiter; `atStart` while it may still open the body without a CRLF.
        case preamble(atStart: Bool)
        /// Just after a delimiter: either "--" (the close delimiter) or a line end follows.
        case afterDelimiter
        case headers(HTTPHeaders, bytes: Int)
        case body
        /// After the close delimiter: the rest is ignored.
        case epilogue
    }

    private let dashBoundary: [UInt8]
    /// CRLF + "--" + boundary: what ends a part's content.
    private let delimiter: [UInt8]
    private let maxHeaderBytes: Int
    private var pending = ByteBuffer()
    private var state = State.preamble(atStart: true)

    init(boundary: String, maxHeaderBytes: Int = Self.defaultMaxHeaderBytes) {
        precondition(!boundary.isEmpty, "a multipart boundary is never empty")
        dashBoundary = Array("--\(boundary)".utf8)
        delimiter = [.cr, .lf] + dashBoundary
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// The close delimiter has been read: the body is complete.
    var isComplete: Bool {
        if case .epilogue = state { return true }
        return false
    }

    /// A delimiter has been read and the close delimiter has not: the body ended inside a part.
    var isInsidePart: Bool {
        switch state {
        case .preamble, .epilogue: false
        case .afterDelimiter, .headers, .body: true
        }
    }

    mutating func append(_ chunk: ByteBuffer) {
        if case .epilogue = state { return }
        if pending.readableBytes == 0 {
            pending = chunk
        } else {
            if pending.readerIndex > 64 * 1024 { pending.discardReadBytes() }
            pending.writeImmutableBuffer(chunk)
        }
    }

    /// The next event the bytes so far allow, or nil when more bytes are needed (or the body is
    /// complete). Throws `Malformed` at the first byte that breaks the format.
    mutating func next() throws -> Event? {
        while true {
            switch state {
            case .epilogue:
                pending.moveReaderIndex(to: pending.writerIndex)
                return nil
            case .preamble(let atStart):
                guard readPreamble(atStart: atStart) else { return nil }
            case .afterDelimiter:
                guard try readAfterDelimiter() else { return nil }
            case .headers(var headers, let bytes):
                guard let line = try readHeaderLine(sofar: bytes) else { return nil }
                if line.isEmpty {
                    state = .body
                    return .headers(headers)
                }
                try Self.add(line: line, to: &headers)
                state = .headers(headers, bytes: bytes + line.count + 2)
            case .body:
                switch find(delimiter) {
                case .found(0):
                    pending.moveReaderIndex(forwardBy: delimiter.count)
                    state = .afterDelimiter
                    return .partEnd
                case .found(let index), .partial(let index):
                    guard index > 0 else { return nil }
                    return .body(pending.readSlice(length: index)!)
                case .absent:
                    guard pending.readableBytes > 0 else { return nil }
                    return .body(pending.readSlice(length: pending.readableBytes)!)
                }
            }
        }
    }

    // MARK: - The states' readers; each answers false (or nil) when it needs more bytes.

    private mutating func readPreamble(atStart: Bool) -> Bool {
        if atStart {
            // The body may open with the boundary itself, without the CRLF of a delimiter.
            let count = min(pending.readableBytes, dashBoundary.count)
            guard pending.readableBytesView.starts(with: dashBoundary[..<count]) else {
                state = .preamble(atStart: false)
                return true
            }
            guard count == dashBoundary.count else { return false }
            pending.moveReaderIndex(forwardBy: count)
            state = .afterDelimiter
            return true
        }
        switch find(delimiter) {
        case .found(let index):
            pending.moveReaderIndex(forwardBy: index + delimiter.count)
            state = .afterDelimiter
            return true
        case .partial(let index):
            pending.moveReaderIndex(forwardBy: index)
            return false
        case .absent:
            pending.moveReaderIndex(to: pending.writerIndex)
            return false
        }
    }

    private mutating func readAfterDelimiter() throws -> Bool {
        let bytes = pending.readableBytesView
        guard let first = bytes.first else { return false }
        if first == .hyphen {
            guard bytes.count >= 2 else { return false }
            guard bytes[bytes.startIndex + 1] == .hyphen else { throw Malformed(reason: "a boundary is followed by one hyphen") }
            state = .epilogue
            return true
        }
        // Transport padding (spaces and tabs) may precede the delimiter line's CRLF.
        guard let end = bytes.firstIndex(where: { $0 != .space && $0 != .tab }) else {
            guard bytes.count <= 64 else { throw Malformed(reason: "a boundary line is too long") }
            return false
        }
        guard bytes[end] == .cr else { throw Malformed(reason: "a boundary is followed by text on its line") }
        guard end + 1 < bytes.endIndex else { return false }
        guard bytes[end + 1] == .lf else { throw Malformed(reason: "a boundary line does not end with CRLF") }
        pending.moveReaderIndex(to: end + 2)
        state = .headers(HTTPHeaders(), bytes: 0)
        return true
    }

    /// One header line without its CRLF (empty: the headers ended), or nil until it is whole.
    private mutating func readHeaderLine(sofar: Int) throws -> [UInt8]? {
        let lineFeed: Int? = pending.withUnsafeReadableBytes { raw in
            guard let base = raw.baseAddress, let found = memchr(base, Int32(UInt8.lf), raw.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
        guard let lineFeed else {
            guard sofar + pending.readableBytes <= maxHeaderBytes else { throw Malformed(reason: "a part's headers are too long") }
            return nil
        }
        guard sofar + lineFeed + 1 <= maxHeaderBytes else { throw Malformed(reason: "a part's headers are too long") }
        guard lineFeed > 0, pending.getInteger(at: pending.readerIndex + lineFeed - 1, as: UInt8.self) == .cr else {
            throw Malformed(reason: "a header line does not end with CRLF")
        }
        let line = pending.readBytes(length: lineFeed - 1)!
        pending.moveReaderIndex(forwardBy: 2)
        return line
    }

    /// "Name: value", the name a token (RFC 9110 §5.1), the value without surrounding blanks or
    /// control characters; no obsolete line folding.
    private static func add(line: [UInt8], to headers: inout HTTPHeaders) throws {
        guard let colon = line.firstIndex(of: .colon), colon > 0 else { throw Malformed(reason: "a header line has no name") }
        let name = line[..<colon]
        guard name.allSatisfy(\.isTokenCharacter) else { throw Malformed(reason: "a header name has a character a token cannot have") }
        var value = line[(colon + 1)...]
        while let first = value.first, first == .space || first == .tab { value = value.dropFirst() }
        while let last = value.last, last == .space || last == .tab { value = value.dropLast() }
        guard value.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == .tab }) else {
            throw Malformed(reason: "a header value has a control character")
        }
        headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }

    // MARK: - Searching the pending bytes

    private enum Match {
        /// The whole pattern starts at this offset of the readable bytes.
        case found(Int)
        /// The readable bytes end with the pattern's beginning, from this offset.
        case partial(Int)
        case absent
    }

    /// The first occurrence of `pattern` (which starts with a CR) in the readable bytes: `memchr`
    /// to the next CR, `memcmp` for the rest.
    private func find(_ pattern: [UInt8]) -> Match {
        pending.withUnsafeReadableBytes { raw -> Match in
            guard let base = raw.baseAddress else { return .absent }
            return pattern.withUnsafeBytes { needle -> Match in
                var offset = 0
                while offset < raw.count, let hit = memchr(base + offset, Int32(needle[0]), raw.count - offset) {
                    let at = base.distance(to: UnsafeRawPointer(hit))
                    let available = min(needle.count, raw.count - at)
                    if memcmp(base + at, needle.baseAddress!, available) == 0 {
                        return available == needle.count ? .found(at) : .partial(at)
                    }
                    offset = at + 1
                }
                return .absent
            }
        }
    }
}

private extension UInt8 {
    static let cr: UInt8 = 13
    static let lf: UInt8 = 10
    static let hyphen: UInt8 = 45
    static let colon: UInt8 = 58
    static let space: UInt8 = 32
    static let tab: UInt8 = 9

    /// tchar (RFC 9110 §5.6.2): "!#$%&'*+-.^_`|~", digits and letters.
    var isTokenCharacter: Bool {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(self)
        }
    }
}
