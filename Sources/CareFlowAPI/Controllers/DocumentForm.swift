import CareFlowCore
import Vapor

/// A document upload's multipart/form-data body, read as it streams in: the bytes of the
/// `file` part go straight into the `DocumentUpload` (checked, hashed, encrypted on the fly),
/// the other parts are small text fields collected for `FieldReader`.
struct DocumentForm {
    static let maxFieldBytes = 1024
    static let maxParts = 16

    var fields: [String: JSONValue] = [:]
    var filename: String?
    var hasFile = false

    static func read(_ body: Request.Body, boundary: String, into upload: DocumentUpload, limit: Int) async throws -> DocumentForm {
        var stream = MultipartStream(boundary: boundary)
        var state = PartState(upload: upload)
        var total = 0
        for try await chunk in body {
            total += chunk.readableBytes
            guard total <= limit else { throw AppError.payloadTooLarge }
            stream.append(chunk)
            do {
                while let event = try stream.next() {
                    switch event {
                    case .headers(let headers): try state.start(headers)
                    case .body(let bytes): try state.body(bytes)
                    case .partEnd: try state.partComplete()
                    }
                }
            } catch let malformed as MultipartStream.Malformed {
                throw AppError.malformedBody("The multipart body is malformed: \(malformed.reason)")
            }
            // `next` only encrypted; the disk write happens here, off the loop.
            try await upload.flush()
        }
        guard !stream.isInsidePart else {
            throw AppError.malformedBody("The multipart body ended early")
        }
        return DocumentForm(fields: state.fields, filename: state.filename, hasFile: state.fileParts > 0)
    }

    /// The parts read so far: the file's bytes go to the upload, the other parts are collected.
    private struct PartState {
        let upload: DocumentUpload
        var currentName: String?
        var fieldBytes: [UInt8] = []
        var fields: [String: JSONValue] = [:]
        var filename: String?
        var fileParts = 0
        var parts = 0

        mutating func start(_ headers: HTTPHeaders) throws {
            parts += 1
            guard parts <= DocumentForm.maxParts else {
                throw AppError.malformedBody("The multipart body has more than \(DocumentForm.maxParts) parts")
            }
            guard let disposition = headers.contentDisposition, disposition.value == .formData,
                  let name = disposition.name, !name.isEmpty
            else {
                throw AppError.malformedBody("Every part needs a Content-Disposition: form-data header with a name")
            }
            if name == "file" {
                guard fileParts == 0 else { throw AppError.invalid("file", "must be given once: one document per upload") }
                fileParts += 1
                filename = disposition.filename.flatMap(DocumentForm.cleanFilename)
            } else if fields[name] != nil {
                throw AppError.invalid(name, "is given twice")
            }
            currentName = name
        }

        mutating func body(_ buffer: ByteBuffer) throws {
            guard let name = currentName else { return }
            if name == "file" {
                try upload.append(buffer.readableBytesView)
            } else if fieldBytes.count + buffer.readableBytes > DocumentForm.maxFieldBytes {
                throw AppError.invalid(name, "must be at most \(DocumentForm.maxFieldBytes) bytes")
            } else {
                fieldBytes.append(contentsOf: buffer.readableBytesView)
            }
        }

        mutating func partComplete() throws {
            guard let name = currentName else { return }
            if name != "file" {
                guard let text = String(validating: fieldBytes, as: UTF8.self) else {
                    throw AppError.invalid(name, "must be UTF-8 text")
                }
                fields[name] = switch text {
                case "true": .bool(true)
                case "false": .bool(false)
                default: .string(text)
                }
            }
            currentName = nil
            fieldBytes = []
        }
    }

    /// The client's file name without any path, control characters or excess length; nil if
    /// nothing is left. (`filename*` values arrive as `UTF-8''percent-encoded`.)
    static func cleanFilename(_ raw: String) -> String? {
        var name = raw
        if name.lowercased().hasPrefix("utf-8''") { name = String(name.dropFirst(7)).removingPercentEncoding ?? "" }
        if let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last { name = String(last) } else { name = "" }
        name = String(name.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.map(Character.init))
        name = name.trimmingCharacters(in: .whitespaces)
        if name.count > 255 { name = String(name.prefix(255)) }
        return name.isEmpty || name == "." || name == ".." ? nil : name
    }
}
