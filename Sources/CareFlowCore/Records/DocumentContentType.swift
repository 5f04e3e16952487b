/// The file types a document may have, recognised from the content itself.
public enum DocumentContentType: String, Codable, Sendable, CaseIterable {
    case pdf = "application/pdf"
    case png = "image/png"
    case jpeg = "image/jpeg"
    case dicom = "application/dicom"
    case text = "text/plain"

    /// The value of a download's `Content-Type`.
    public var mediaType: String {
        self == .text ? "text/plain; charset=utf-8" : rawValue
    }

    public var fileExtension: String {
        switch self {
        case .pdf: "pdf"
        case .png: "png"
        case .jpeg: "jpg"
        case .dicom: "dcm"
        case .text: "txt"
        }
    }

    /// For messages: "PDF, PNG, JPEG, DICOM or UTF-8 text".
    public static let allowedDescription = "PDF, PNG, JPEG, DICOM or UTF-8 plain text"
}
