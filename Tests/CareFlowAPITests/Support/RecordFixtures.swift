@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Factories for the records, notes and documents tests: extra people, appointments, sample
/// files of each type and multipart bodies.
enum RecordFixtures {
    /// A doctor at f1 who does not care for the fixture patient.
    static func outsideDoctor(_ app: Application, _ t: TestTenant) async throws -> TestUser {
        try await Fixtures.user(app, tenant: t.tenant, email: "doctor-\(UUID().uuidString.prefix(8).lowercased())@\(t.tenant.slug).test",
                                role: .doctor, facility: t.f1.id)
    }

    /// A booked appointment of the patient with the tenant's doctor at f1.
    static func appointment(_ app: Application, _ t: TestTenant, patientID: UUID, in hours: Double = 24) async throws -> UUID {
        let start = Date().addingTimeInterval(hours * 3600)
        let appointment = Appointment(tenantID: t.id, facilityID: t.f1.id!, doctorID: t[.doctor].id, patientID: patientID,
                                      startsAt: start, endsAt: start.addingTimeInterval(1800), bookedBy: t[.receptionist].id)
        try await TenantScope(tenantID: t.id, db: app.db).create(appointment)
        return appointment.id!
    }

    // MARK: - Sample files

    /// A marker that must never appear on disk in clear.
    static let marker = "ZEBRA-PLAINTEXT-MARKER-7f3a"

    /// Random bytes, deterministic per seed (so a failure can be reproduced).
    /// Written into a preallocated buffer: a `map` over the range cost seconds per 20 MB in a
    /// debug build.
    static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                buffer[index] = UInt8(truncatingIfNeeded: state)
            }
            initialized = count
        }
    }

    /// A PDF-looking file of exactly `size` bytes (at least 100): a PDF header, binary stream
    /// data with the marker every 4 KiB, and an end-of-file trailer.
    static func pdf(size: Int, seed: UInt64 = 1) -> [UInt8] {
        var bytes = Array("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n1 0 obj\n<< /Length \(size) >>\nstream\n".utf8)
        let trailer = Array("\nendstream\nendobj\n%%EOF\n".utf8)
        let body = noise(size, seed: seed)
        let end = size - trailer.count
        bytes.reserveCapacity(size)
        // Body byte `i` follows for every `i` but multiples of 4096, where the marker stands
        // instead; copied a run at a time rather than a byte at a time.
        var i = 0
        while bytes.count < end {
            if i % 4096 == 0 {
                bytes += Array(" \(marker) ".utf8).prefix(end - bytes.count)
                i += 1
            } else {
                let run = min(4096 - i % 4096, end - bytes.count)
                bytes += body[i..<(i + run)]
                i += run
            }
        }
        return bytes + trailer
    }

    static func png(size: Int = 200_000) -> [UInt8] {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + Array(marker.utf8) + noise(size, seed: 2)
    }

    static func jpeg() -> [UInt8] {
        [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF\0".utf8) + noise(50_000, seed: 3) + [0xFF, 0xD9]
    }

    static func dicom() -> [UInt8] {
        [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + [0x02, 0x00, 0x00, 0x00, 0x55, 0x4C] + noise(30_000, seed: 4)
    }

    static func text() -> [UInt8] {
        Array("Résultat: hémoglobine 13,5 g/dL\r\nIgisubizo: ni byiza — \(marker)\n\tEnd.\n".utf8)
    }

    static func elf() -> [UInt8] {
        [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00] + [UInt8](repeating: 0, count: 8) + [0x02, 0x00, 0x3E, 0x00] + noise(10_000, seed: 5)
    }

    static func zip() -> [UInt8] {
        [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00] + Array("report.pdf".utf8) + noise(10_000, seed: 6)
    }

    // MARK: - Multipart

    struct FilePart {
        var filename: String? = "file.bin"
        var contentType = "application/octet-stream"
        var bytes: [UInt8]
    }

    static func multipart(fields: [(String, String)] = [("kind", "lab")], file: FilePart?) -> (boundary: String, body: ByteBuffer) {
        let boundary = "careflow-\(UUID().uuidString)"
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        if let file {
            let filename = file.filename.map { "; filename=\"\($0)\"" } ?? ""
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"\(filename)\r\nContent-Type: \(file.contentType)\r\n\r\n")
            body.writeBytes(file.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        return (boundary, body)
    }

    /// `POST …/documents` with a multipart body.
    static func upload(_ app: Application, patientID: UUID, token: String, kind: String = "lab", shared: Bool? = nil,
                       file: FilePart?) async throws -> TestingHTTPResponse {
        var fields = [("kind", kind)]
        if let shared { fields.append(("shared_with_patient", shared ? "true" : "false")) }
        let (boundary, body) = multipart(fields: fields, file: file)
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token)
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await app.testing().sendRequest(.POST, "/api/v1/patients/\(patientID)/documents", headers: headers, body: body)
    }

    /// Every byte under the blob folder, and the names of its files.
    static func blobFiles(_ app: Application) throws -> [(name: String, bytes: Data)] {
        let root = URL(fileURLWithPath: app.services.configuration.blobsDirectory)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var files: [(String, Data)] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            files.append((url.path.replacingOccurrences(of: root.path + "/", with: ""), try Data(contentsOf: url)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    /// `phi.read` events about the patient, by their `what` detail.
    static func phiReads(_ app: Application, patientID: UUID) async throws -> [String] {
        try await AuditEvent.query(on: app.db).filter(\.$action == "phi.read").filter(\.$targetID == patientID.uuidString.lowercased())
            .sort(\.$seq).all().compactMap { event in
                (try? JSONSerialization.jsonObject(with: Data(event.details.utf8)) as? [String: String])?["what"]
            }
    }
}

extension TestingHTTPResponse {
    var bytes: [UInt8] { Array(body.readableBytesView) }
    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
}
