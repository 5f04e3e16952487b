/// Decides a file's type from its bytes as they stream in, so a disallowed file is refused as
/// early as possible and never by trusting the client's `Content-Type` or file name.
///
/// Binary types are recognised by their signature: PDF (`%PDF-`), PNG (the 8-byte signature),
/// JPEG (`FF D8 FF`), DICOM (`DICM` after the 128-byte preamble, PS3.10 §7.1). Anything else
/// must be plain text: valid UTF-8 throughout, with no control characters but tab, line feed,
/// form feed and carriage return, so executables, archives and other binaries (which contain
/// NUL or other control bytes almost at once) are refused.
public struct ContentInspector: Sendable {
    public enum Rejection: Error, Equatable, Sendable {
        case empty
        case notAllowed
    }

    static let headCount = 132
    static let pdf: [UInt8] = Array("%PDF-".utf8)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF]
    static let dicom: [UInt8] = Array("DICM".utf8)

    private var head: [UInt8] = []
    private var binaryType: DocumentContentType?
    private var text = PlainTextValidator()
    public private(set) var byteCount = 0

    public init() {
        head.reserveCapacity(Self.headCount)
    }

    /// Inspects the next bytes; throws as soon as the file can no longer be of an allowed type.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws(Rejection) {
        byteCount += bytes.count
        if head.count < Self.headCount {
            head.append(contentsOf: bytes.prefix(Self.headCount - head.count))
            if head.count == Self.headCount { binaryType = Self.signature(of: head) }
        }
        if binaryType == nil {
            text.feed(bytes)
            if !text.isValid && head.count == Self.headCount { throw .notAllowed }
        }
    }

    /// The type, once every byte has been seen.
    public mutating func finish() throws(Rejection) -> DocumentContentType {
        guard byteCount > 0 else { throw .empty }
        if let binaryType { return binaryType }
        if let short = Self.signature(of: head) { return short }
        guard text.finish() else { throw .notAllowed }
        return .text
    }

    static func signature(of head: [UInt8]) -> DocumentContentType? {
        if head.starts(with: pdf) { return .pdf }
        if head.starts(with: png) { return .png }
        if head.starts(with: jpeg) { return .jpeg }
        if head.count >= 132, head[128..<132].elementsEqual(dicom) { return .dicom }
        return nil
    }
}

/// Incremental UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above
/// U+10FFFF) that also refuses control characters other than TAB, LF, FF and CR, and DEL.
struct PlainTextValidator: Sendable {
    private(set) var isValid = true
    /// Continuation bytes still expected for the current sequence.
    private var remaining = 0
    /// Allowed range of the next continuation byte (narrower right after some lead bytes).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    mutating func feed(_ bytes: some Collection<UInt8>) {
        guard isValid else { return }
        for byte in bytes {
            if remaining > 0 {
                guard byte >= lower && byte <= upper else { isValid = false; return }
                remaining -= 1
                lower = 0x80
                upper = 0xBF
                continue
            }
            switch byte {
            case 0x09, 0x0A, 0x0C, 0x0D, 0x20...0x7E:
                continue
            case 0xC2...0xDF:
                remaining = 1
            case 0xE0:
                remaining = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF:
                remaining = 2
            case 0xED:
                remaining = 2; upper = 0x9F
            case 0xF0:
                remaining = 3; lower = 0x90
            case 0xF1...0xF3:
                remaining = 3
            case 0xF4:
                remaining = 3; upper = 0x8F
            default:
                // C0 controls, DEL, stray continuation bytes, C0/C1 and F5…FF leads.
                isValid = false
                return
            }
        }
    }

    /// Valid and not cut in the middle of a character.
    mutating func finish() -> Bool {
        isValid && remaining == 0
    }
}
