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
        let parser = MultipartParser(boundary: boundary)
        let state = PartState(upload: upload)
        parser.onHeader = { name, value in state.headers.add(name: name, value: value) }
        parser.onBody = { buffer in state.body(buffer) }
        parser.onPartComplete = { state.partComplete() }
        var total = 0
        for try await chunk in body {
            total += chunk.readableBytes
            guard total <= limit else { throw AppError.payloadTooLarge }
            do {
                try parser.execute(chunk)
            } catch {
                throw state.error ?? AppError.malformedBody("The multipart body is malformed")
            }
            if let error = state.error { throw error }
            // The parser's callbacks only encrypted; the disk write happens here, off the loop.
            try await upload.flush()
        }
        guard state.currentName == nil else {
            throw AppError.malformedBody("The multipart body ended early")
        }
        return DocumentForm(fields: state.fields, filename: state.filename, hasFile: state.fileParts > 0)
    }

    /// The parser's callbacks cannot throw: the first error is kept and ends the reading.
    private final class PartState {
        let upload: DocumentUpload
        var headers = HTTPHeaders()
        var currentName: String?
        var fieldBytes: [UInt8] = []
        var fields: [String: JSONValue] = [:]
        var filename: String?
        var fileParts = 0
        var parts = 0
        var error: (any Error)?

        init(upload: DocumentUpload) {
            self.upload = upload
        }

        func body(_ buffer: ByteBuffer) {
            guard error == nil else { return }
            if currentName == nil { start() }
            guard error == nil, let name = currentName else { return }
            if name == "file" {
                do { try upload.append(buffer.readableBytesView) } catch { self.error = error }
            } else if fieldBytes.count + buffer.readableBytes > DocumentForm.maxFieldBytes {
                error = AppError.invalid(name, "must be at most \(DocumentForm.maxFieldBytes) bytes")
            } else {
                fieldBytes.append(contentsOf: buffer.readableBytesView)
            }
        }

        func partComplete() {
            guard error == nil else { return }
            if currentName == nil { start() }
            guard error == nil, let name = currentName else { return }
            if name != "file" {
                guard let text = String(validating: fieldBytes, as: UTF8.self) else {
                    error = AppError.invalid(name, "must be UTF-8 text")
                    return
                }
                fields[name] = switch text {
                case "true": .bool(true)
                case "false": .bool(false)
                default: .string(text)
                }
            }
            currentName = nil
            fieldBytes = []
            headers = HTTPHeaders()
        }

        private func start() {
            parts += 1
            guard parts <= DocumentForm.maxParts else {
                error = AppError.malformedBody("The multipart body has more than \(DocumentForm.maxParts) parts")
                return
            }
            guard let disposition = headers.contentDisposition, disposition.value == .formData,
                  let name = disposition.name, !name.isEmpty
            else {
                error = AppError.malformedBody("Every part needs a Content-Disposition: form-data header with a name")
                return
            }
            if name == "file" {
                guard fileParts == 0 else {
                    error = AppError.invalid("file", "must be given once: one document per upload")
                    return
                }
                fileParts += 1
                filename = disposition.filename.flatMap(DocumentForm.cleanFilename)
            } else if fields[name] != nil {
                error = AppError.invalid(name, "is given twice")
                return
            }
            currentName = name
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
