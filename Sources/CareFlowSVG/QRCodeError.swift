/// Why a text cannot be drawn as a QR code.
public enum QRCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The UTF-8 text does not fit the largest symbol (version 40) at the requested level.
    case textTooLong(byteCount: Int, maximum: Int)

    public var description: String {
        switch self {
        case let .textTooLong(byteCount, maximum):
            "The text is \(byteCount) bytes long; a QR code at this error-correction level holds at most \(maximum) bytes."
        }
    }
}
