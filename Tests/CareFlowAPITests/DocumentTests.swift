@testable import CareFlowAPI
@testable import CareFlowCore
import Crypto
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@Suite("Documents: upload, encryption at rest, download, deletion")
struct DocumentTests {
    typealias F = RecordFixtures

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    @Test("a 3 MB PDF and a PNG round-trip byte for byte; the blob on disk is ciphertext", arguments: TestBackend.enabled)
    func roundTrip(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "docs")
            let patient = try await Fixtures.patient(app, t)
            let pdf = F.pdf(size: 3 * 1024 * 1024 + 4321)
            let png = F.png()

            // The client's type and name are not believed: the PDF is declared as octet-stream.
            let up = try await F.upload(app, patientID: patient, token: t[.doctor].token, kind: "lab",
                                        file: .init(filename: "C:\\scans\\Bilan sanguin – Aline.pdf", bytes: pdf))
            #expect(up.status == .created, "\(up.text)")
            #expect(up.json["content_type"] as? String == "application/pdf")
            #expect(up.json["size"] as? Int == pdf.count)
            #expect(up.json["sha256"] as? String == Self.sha256(pdf))
            #expect(up.json["filename"] as? String == "Bilan sanguin – Aline.pdf")
            #expect(up.json["kind"] as? String == "lab")
            #expect(up.json["uploaded_by"] as? String == t[.doctor].id.uuidString)
            let pdfID = try #require(up.json["id"] as? String)
            // Nurses of the patient's facility upload too.
            let up2 = try await F.upload(app, patientID: patient, token: t[.nurse].token, kind: "scan",
                                         file: .init(filename: "xray.png", contentType: "image/png", bytes: png))
            #expect(up2.status == .created, "\(up2.text)")
            #expect(up2.json["content_type"] as? String == "image/png")
            let pngID = try #require(up2.json["id"] as? String)

            for (id, original, type) in [(pdfID, pdf, "application/pdf"), (pngID, png, "image/png")] {
                let res = try await app.send(.GET, "/api/v1/patients/\(patient)/documents/\(id)/content", token: t[.nurse].token)
                #expect(res.status == .ok)
                #expect(res.headers.first(name: .contentType) == type)
                #expect(res.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
                #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(res.bytes.count == original.count)
                #expect(res.bytes == original, "document \(id) did not round-trip")
            }
            let pdfDownload = try await app.send(.GET, "/api/v1/patients/\(patient)/documents/\(pdfID)/content", token: t[.doctor].token)
            let disposition = try #require(pdfDownload.headers.first(name: .contentDisposition))
            #expect(disposition.contains("filename*=UTF-8''Bilan%20sanguin%20%E2%80%93%20Aline.pdf"))

            // On disk: one CFE1 file per document under blobs/<tenant>/, no plaintext, no leftovers.
            let files = try F.blobFiles(app)
            let tenantDir = t.id.uuidString.lowercased()
            #expect(files.map(\.name) == [pdfID, pngID].map { "\(tenantDir)/\($0.lowercased()).cfe" }.sorted())
            for file in files {
                #expect(file.bytes.starts(with: Array("CFE1".utf8)))
                #expect(file.bytes.range(of: Data(F.marker.utf8)) == nil, "plaintext marker found in \(file.name)")
                #expect(file.bytes.range(of: Data("%PDF-".utf8)) == nil)
                #expect(file.bytes.range(of: Data(png.prefix(8))) == nil)
            }
            let pdfBlob = try #require(files.first { $0.name.contains(pdfID.lowercased()) })
            #expect(pdfBlob.bytes.count == 28 + pdf.count + 16 * ((pdf.count + 65535) / 65536))

            // The row: the file name and key sealed, nothing identifying in clear.
            let row = try #require(try await (app.db as! any SQLDatabase).raw(
                "SELECT filename_sealed, file_key_sealed, content_type FROM documents WHERE id = \(bind: UUID(uuidString: pdfID)!)").first())
            let sealedName = try row.decode(column: "filename_sealed", as: String.self)
            #expect(!sealedName.contains("Aline") && sealedName.hasPrefix("gAAAAA"))
            #expect(try row.decode(column: "file_key_sealed", as: String.self).hasPrefix("gAAAAA"))

            // Metadata list, newest first; reads are audited.
            let list = try await app.send(.GET, "/api/v1/patients/\(patient)/documents", token: t[.doctor].token)
            #expect(list.status == .ok)
            #expect(list.items.compactMap { $0["id"] as? String } == [pngID, pdfID])
            #expect(list.json.keys.contains("next_cursor"))
            let reads = try await F.phiReads(app, patientID: patient)
            #expect(reads == ["document:\(pdfID.lowercased())", "document:\(pngID.lowercased())", "document:\(pdfID.lowercased())", "documents"])
            let uploads = try await AuditEvent.query(on: app.db).filter(\.$action == "document.upload").count()
            #expect(uploads == 2)
        }
    }

    @Test("the type is decided by content: DICOM, JPEG and UTF-8 text pass; ELF, ZIP-as-PDF, bad UTF-8 get 415", arguments: TestBackend.enabled)
    func contentTypes(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "types")
            let patient = try await Fixtures.patient(app, t)
            let token = t[.doctor].token
            for (bytes, expected) in [(F.dicom(), "application/dicom"), (F.jpeg(), "image/jpeg"), (F.text(), "text/plain")] {
                let res = try await F.upload(app, patientID: patient, token: token, kind: "scan", file: .init(bytes: bytes))
                #expect(res.status == .created, "\(expected): \(res.text)")
                #expect(res.json["content_type"] as? String == expected)
                let id = try #require(res.json["id"] as? String)
                let back = try await app.send(.GET, "/api/v1/patients/\(patient)/documents/\(id)/content", token: token)
                #expect(back.bytes == bytes)
                if expected == "text/plain" { #expect(back.headers.first(name: .contentType) == "text/plain; charset=utf-8") }
            }
            let accepted = try F.blobFiles(app).count
            let textWithNUL = Array(String(repeating: "plain text line\n", count: 20).utf8) + [0x00] + Array("more".utf8)
            let refused: [(String, F.FilePart)] = [
                ("ELF executable", .init(filename: "tool", bytes: F.elf())),
                ("ZIP renamed .pdf", .init(filename: "report.pdf", contentType: "application/pdf", bytes: F.zip())),
                ("invalid UTF-8", .init(filename: "notes.txt", contentType: "text/plain", bytes: Array("caf".utf8) + [0xC3, 0x28] + Array(" ok".utf8))),
                ("overlong UTF-8", .init(filename: "notes.txt", contentType: "text/plain", bytes: Array("a".utf8) + [0xC0, 0xAF])),
                ("text with NUL after the first bytes", .init(filename: "notes.txt", contentType: "text/plain", bytes: textWithNUL)),
                ("truncated PNG signature", .init(filename: "x.png", contentType: "image/png", bytes: [0x89, 0x50, 0x4E, 0x47])),
            ]
            for (name, file) in refused {
                let res = try await F.upload(app, patientID: patient, token: token, file: file)
                #expect(res.status == .unsupportedMediaType, "\(name): \(res.status) \(res.text)")
                #expect(res.isProblem, "\(name): not problem+json")
                #expect(res.json["type"] as? String == "https://careflow.dev/problems/unsupported-media-type")
            }
            // Refusals leave no file behind, not even a partial one.
            #expect(try F.blobFiles(app).count == accepted)

            // Field problems are 422s naming every field; a JSON body is not a form.
            let empty = try await F.upload(app, patientID: patient, token: token, file: .init(bytes: []))
            #expect(empty.status == .unprocessableEntity)
            #expect((empty.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == ["file"])
            let (boundary, body) = F.multipart(fields: [("kind", "x-ray"), ("colour", "blue")], file: nil)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: token)
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            let bad = try await app.testing().sendRequest(.POST, "/api/v1/patients/\(patient)/documents", headers: headers, body: body)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == ["kind", "file", "colour"])
            let json = try await app.send(.POST, "/api/v1/patients/\(patient)/documents", token: token, json: #"{"kind":"lab"}"#)
            #expect(json.status == .unsupportedMediaType)
            #expect(try F.blobFiles(app).count == accepted)
            #expect(try await ClinicalDocument.query(on: app.db).count() == accepted)
        }
    }

    @Test("a file over the size limit is refused with 413, streamed or declared", arguments: TestBackend.enabled)
    func sizeLimit(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: { $0.maxDocumentSize = "1mb" }) { app in
            let t = try await Fixtures.tenant(app, slug: "size")
            let patient = try await Fixtures.patient(app, t)
            let limit = 1024 * 1024
            #expect(app.services.documents.maxSize == limit)
            #expect(F.pdf(size: limit).count == limit)
            let exact = try await F.upload(app, patientID: patient, token: t[.doctor].token, file: .init(bytes: F.pdf(size: limit)))
            #expect(exact.status == .created, "\(exact.text)")
            // One byte too many: refused while streaming (the body is within the framing allowance).
            let over = try await F.upload(app, patientID: patient, token: t[.doctor].token, file: .init(bytes: F.pdf(size: limit + 1)))
            #expect(over.status == .payloadTooLarge)
            #expect(over.isProblem)
            #expect(over.json["type"] as? String == "https://careflow.dev/problems/payload-too-large")
            // Far too many: refused from Content-Length before reading.
            let huge = try await F.upload(app, patientID: patient, token: t[.doctor].token, file: .init(bytes: F.pdf(size: 3 * limit)))
            #expect(huge.status == .payloadTooLarge)
            #expect(huge.isProblem)
            #expect(try F.blobFiles(app).count == 1)
        }
    }

    @Test("receptionists, billing and admins never see documents; outsiders get 403, other tenants 404", arguments: TestBackend.enabled)
    func access(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "doc-acl")
            let other = try await Fixtures.tenant(app, slug: "doc-acl-b")
            let patient = try await Fixtures.patient(app, t)
            let foreignPatient = try await Fixtures.patient(app, other)
            let shared = try await F.upload(app, patientID: patient, token: t[.doctor].token, kind: "prescription", shared: true,
                                            file: .init(bytes: F.text()))
            let hidden = try await F.upload(app, patientID: patient, token: t[.doctor].token, kind: "lab", file: .init(bytes: F.dicom()))
            let sharedID = try #require(shared.json["id"] as? String)
            let hiddenID = try #require(hidden.json["id"] as? String)
            let foreign = try await F.upload(app, patientID: foreignPatient, token: other[.doctor].token, file: .init(bytes: F.text()))
            let foreignID = try #require(foreign.json["id"] as? String)
            let outsider = try await F.outsideDoctor(app, t)
            let base = "/api/v1/patients/\(patient)/documents"

            for (who, user) in [("receptionist", t[.receptionist]), ("billing", t[.billing]), ("facility admin", t[.facilityAdmin]),
                                ("group admin", t[.groupAdmin]), ("doctor outside the care team", outsider)] {
                let denialsBefore = try await AuditEvent.query(on: app.db).filter(\.$action == "access.denied").count()
                let calls = [
                    try await app.send(.GET, base, token: user.token),
                    try await app.send(.GET, "\(base)/\(hiddenID)/content", token: user.token),
                    try await app.send(.DELETE, "\(base)/\(hiddenID)", token: user.token),
                    try await F.upload(app, patientID: patient, token: user.token, file: .init(bytes: F.text())),
                ]
                for res in calls {
                    #expect(res.status == .forbidden, "\(who): \(res.status)")
                    #expect(res.isProblem)
                    #expect(!res.text.contains(F.marker))
                }
                #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "access.denied").count() == denialsBefore + 4)
            }
            // Another tenant's patient and document: not found, whoever asks.
            for path in ["/api/v1/patients/\(foreignPatient)/documents", "/api/v1/patients/\(foreignPatient)/documents/\(foreignID)/content",
                         "\(base)/\(foreignID)/content"] {
                #expect(try await app.send(.GET, path, token: t[.doctor].token).status == .notFound, "\(path)")
            }
            #expect(try await app.send(.DELETE, "/api/v1/patients/\(foreignPatient)/documents/\(foreignID)", token: t[.doctor].token).status == .notFound)
            #expect(try await F.upload(app, patientID: foreignPatient, token: t[.doctor].token, file: .init(bytes: F.text())).status == .notFound)
            #expect(try F.blobFiles(app).count == 3)

            // The patient themself: only what was shared with them, and never a deletion.
            let mine = try await app.send(.GET, base, token: t[.patient].token)
            #expect(mine.status == .ok)
            #expect(mine.items.compactMap { $0["id"] as? String } == [sharedID])
            #expect(try await app.send(.GET, "\(base)/\(sharedID)/content", token: t[.patient].token).bytes == F.text())
            #expect(try await app.send(.GET, "\(base)/\(hiddenID)/content", token: t[.patient].token).status == .notFound)
            #expect(try await app.send(.DELETE, "\(base)/\(sharedID)", token: t[.patient].token).status == .forbidden)
        }
    }

    @Test("deletion is soft and audited; a deleted document is 404 everywhere", arguments: TestBackend.enabled)
    func deletion(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "doc-del")
            let patient = try await Fixtures.patient(app, t)
            let up = try await F.upload(app, patientID: patient, token: t[.doctor].token, file: .init(bytes: F.pdf(size: 10_000)))
            let id = try #require(up.json["id"] as? String)
            let base = "/api/v1/patients/\(patient)/documents"
            #expect(try await app.send(.DELETE, "\(base)/\(id)", token: t[.nurse].token).status == .noContent)
            #expect(try await app.send(.GET, "\(base)/\(id)/content", token: t[.doctor].token).status == .notFound)
            #expect(try await app.send(.DELETE, "\(base)/\(id)", token: t[.doctor].token).status == .notFound)
            #expect(try await app.send(.GET, base, token: t[.doctor].token).items.isEmpty)

            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "document.delete").all()
            #expect(events.count == 1)
            #expect(events.first?.targetID == id.lowercased())
            #expect(events.first?.actorID == t[.nurse].id)
            #expect(events.first?.details.contains(patient.uuidString.lowercased()) == true)
            // Kept for retention: the row (marked) and the encrypted blob.
            let row = try #require(try await ClinicalDocument.find(UUID(uuidString: id), on: app.db))
            #expect(row.deletedAt != nil && row.deletedBy == t[.nurse].id)
            #expect(try F.blobFiles(app).count == 1)
        }
    }

    @Test("rotating the tenant key re-seals file keys; documents stay readable once the old key is gone", arguments: TestBackend.enabled)
    func keyRotation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "doc-rot")
            let patient = try await Fixtures.patient(app, t)
            let pdf = F.pdf(size: 200_000)
            let up = try await F.upload(app, patientID: patient, token: t[.doctor].token, file: .init(filename: "r.pdf", bytes: pdf))
            let id = try #require(up.json["id"] as? String)
            let blobBefore = try F.blobFiles(app)
            let owner = WrappedKey.owner(for: t.id)
            let report = try await KeyRotationService(db: app.db, keyring: app.services.keyring, audit: app.services.audit)
                .rotateDataKey(owner: owner)
            #expect(report.reencrypted > 0)
            try await WrappedKey.query(on: app.db).filter(\.$owner == owner).filter(\.$status == .retired).delete()
            await app.services.keyring.forget(owner: owner)
            let res = try await app.send(.GET, "/api/v1/patients/\(patient)/documents/\(id)/content", token: t[.doctor].token)
            #expect(res.status == .ok)
            #expect(res.bytes == pdf)
            #expect(res.headers.first(name: .contentDisposition)?.contains("r.pdf") == true)
            // The blob itself was not rewritten.
            #expect(try F.blobFiles(app).map(\.bytes) == blobBefore.map(\.bytes))
        }
    }

    @Test("a blob that was tampered with or swapped is never served whole", arguments: [TestBackend.sqlite])
    func tampering(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "doc-tamper")
            let patient = try await Fixtures.patient(app, t)
            let a = F.pdf(size: 150_000, seed: 10), b = F.pdf(size: 150_000, seed: 11)
            let idA = try #require(try await F.upload(app, patientID: patient, token: t[.doctor].token, file: .init(bytes: a)).json["id"] as? String)
            let idB = try #require(try await F.upload(app, patientID: patient, token: t[.doctor].token, file: .init(bytes: b)).json["id"] as? String)
            let store = DocumentBlobStore(root: app.services.configuration.blobsDirectory)
            let urlA = store.url(tenantID: t.id, documentID: UUID(uuidString: idA)!)
            let urlB = store.url(tenantID: t.id, documentID: UUID(uuidString: idB)!)
            // B's blob in A's place: same size, same tenant, but A's key does not open it.
            try FileManager.default.removeItem(at: urlA)
            try FileManager.default.copyItem(at: urlB, to: urlA)
            let doctor = try await app.services.auth.authenticate(bearer: t[.doctor].token)
            let ctx = RequestContext(scope: TenantScope(tenantID: t.id, db: app.db), principal: doctor, origin: .none)
            let (_, content) = try await app.services.documents.content(documentID: UUID(uuidString: idA)!, patientID: patient, in: ctx)
            let received = Counter()
            await #expect(throws: StreamingEncryptionError.authenticationFailed) {
                try await content.stream { _ in _ = received.increment() }
            }
            #expect(received.increment() == 1, "bytes of the swapped blob were handed out")
            // A truncated blob is refused before any byte is sent.
            let truncated = try Data(contentsOf: urlB).dropLast(100)
            try truncated.write(to: urlB)
            let res = try await app.send(.GET, "/api/v1/patients/\(patient)/documents/\(idB)/content", token: t[.doctor].token)
            #expect(res.status == .internalServerError)
            #expect(res.isProblem)
        }
    }

    @Test("over a real socket, the upload streams in and the download streams out", arguments: TestBackend.enabled)
    func liveServer(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "doc-live")
            let patient = try await Fixtures.patient(app, t)
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            let base = "http://127.0.0.1:\(port)/api/v1/patients/\(patient)/documents"
            let pdf = F.pdf(size: 3 * 1024 * 1024, seed: 42)
            let (boundary, body) = F.multipart(fields: [("kind", "scan")], file: .init(filename: "scan.pdf", bytes: pdf))
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: t[.doctor].token)
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            let up = try await app.client.post(URI(string: base), headers: headers) { $0.body = body }
            #expect(up.status == .created)
            let created = try JSONSerialization.jsonObject(with: Data(buffer: try #require(up.body))) as? [String: Any]
            let id = try #require(created?["id"] as? String)
            let down = try await app.client.get(URI(string: "\(base)/\(id)/content"),
                                                headers: ["Authorization": "Bearer \(t[.doctor].token)"])
            #expect(down.status == .ok)
            #expect(down.headers.first(name: .contentLength) == String(pdf.count))
            #expect(down.body.map { Array($0.readableBytesView) } == pdf)
            await app.server.shutdown()
        }
    }
}
