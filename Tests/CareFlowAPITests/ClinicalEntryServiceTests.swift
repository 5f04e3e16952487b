@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// The generic sealed clinical entry service called directly, without HTTP: each kind seals its
/// own fields, refuses callers without its actions, hides what was not shared from the patient
/// and audits every write and every read (PRODUCT §1, §12).
@Suite("Clinical entry service")
struct ClinicalEntryServiceTests {
    typealias F = RecordFixtures

    /// The caller behind a fixture user's token, acting in their tenant.
    static func context(_ app: Application, _ t: TestTenant, _ role: Role) async throws -> RequestContext {
        let principal = try await app.services.auth.authenticate(bearer: t[role].token)
        return RequestContext(scope: TenantScope(tenantID: t.id, db: app.db), principal: principal, origin: RequestOrigin(requestID: "svc-test"))
    }

    static func service<Kind: ClinicalEntryKind>(_ app: Application, _ kind: Kind.Type) -> ClinicalEntryService<Kind> {
        ClinicalEntryService(patients: app.services.patientAccess, keyring: app.services.keyring, audit: app.services.audit)
    }

    static func events(_ app: Application, _ action: String) async throws -> [AuditEvent] {
        try await AuditEvent.query(on: app.db).filter(\.$action == action).sort(\.$seq).all()
    }

    static func status(of error: any Error) -> Int? { (error as? AppError)?.status }

    @Test("a record's title and body and a note's body are ciphertext at rest and open back through the service",
          arguments: TestBackend.enabled)
    func sealedAtRest(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "svc-seal")
            let patient = try await Fixtures.patient(app, t)
            let doctor = try await Self.context(app, t, .doctor)
            let records = Self.service(app, MedicalRecords.self)
            let notes = Self.service(app, VisitNotes.self)

            let record = try await records.create(
                .init(content: .init(kind: .diagnosis, title: "Hypertension \(F.marker)", body: "BP 160/100 \(F.marker)"),
                      appointmentID: nil, sharedWithPatient: false),
                patientID: patient, in: doctor)
            let note = try await notes.create(.init(content: "Follow up in two weeks \(F.marker)", appointmentID: nil, sharedWithPatient: false),
                                              patientID: patient, in: doctor)

            let sql = try #require(app.db as? any SQLDatabase)
            let recordRow = try #require(try await sql.raw("SELECT kind, title_sealed, body_sealed FROM medical_records").first())
            let noteRow = try #require(try await sql.raw("SELECT body_sealed FROM visit_notes").first())
            let stored = [try recordRow.decode(column: "title_sealed", as: String.self), try recordRow.decode(column: "body_sealed", as: String.self),
                          try noteRow.decode(column: "body_sealed", as: String.self)]
            for column in stored {
                #expect(!column.contains(F.marker) && !column.contains("Hypertension") && !column.contains("Follow up"))
            }
            // The kind is a filter, in clear.
            #expect(try recordRow.decode(column: "kind", as: String.self) == "diagnosis")

            let readRecord = try await records.get(try #require(record.model.id), patientID: patient, in: doctor)
            #expect(readRecord.content.title == "Hypertension \(F.marker)")
            #expect(readRecord.content.body == "BP 160/100 \(F.marker)")
            #expect(readRecord.content.kind == .diagnosis)
            #expect(readRecord.model.authorID == doctor.principal.subjectID)
            let readNote = try await notes.get(try #require(note.model.id), patientID: patient, in: doctor)
            #expect(readNote.content == "Follow up in two weeks \(F.marker)")
        }
    }

    @Test("a caller without the kind's actions gets 403 and an access.denied event; another tenant's patient is 404",
          arguments: TestBackend.enabled)
    func refusals(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "svc-deny")
            let other = try await Fixtures.tenant(app, slug: "svc-deny-b")
            let patient = try await Fixtures.patient(app, t)
            let foreignPatient = try await Fixtures.patient(app, other)
            let doctor = try await Self.context(app, t, .doctor)
            let nurse = try await Self.context(app, t, .nurse)
            let receptionist = try await Self.context(app, t, .receptionist)
            let notes = Self.service(app, VisitNotes.self)
            let note = try await notes.create(.init(content: "Private", appointmentID: nil, sharedWithPatient: false),
                                              patientID: patient, in: doctor)
            let noteID = try #require(note.model.id)

            // The receptionist reads no clinical notes; the nurse reads them but writes none (only doctors do).
            let before = try await Self.events(app, "access.denied").count
            await #expect { try await notes.list(patientID: patient, in: receptionist, page: try PageRequest(limit: 10)) }
                throws: { Self.status(of: $0) == 403 }
            await #expect { try await notes.get(noteID, patientID: patient, in: receptionist) } throws: { Self.status(of: $0) == 403 }
            await #expect { try await notes.create(.init(content: "x", appointmentID: nil, sharedWithPatient: false), patientID: patient, in: nurse) }
                throws: { Self.status(of: $0) == 403 }
            #expect(try await Self.events(app, "access.denied").count == before + 3)
            #expect(try await notes.get(noteID, patientID: patient, in: nurse).content == "Private")

            // Another tenant's patient does not exist here, for reading or writing.
            await #expect { try await notes.list(patientID: foreignPatient, in: doctor, page: try PageRequest(limit: 10)) }
                throws: { Self.status(of: $0) == 404 }
            await #expect { try await notes.create(.init(content: "x", appointmentID: nil, sharedWithPatient: false), patientID: foreignPatient, in: doctor) }
                throws: { Self.status(of: $0) == 404 }
            #expect(try await VisitNote.query(on: app.db).count() == 1)
        }
    }

    @Test("the patient sees only what was shared with them; hidden entries are 404, not 403", arguments: TestBackend.enabled)
    func patientAudience(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "svc-aud")
            let patient = try await Fixtures.patient(app, t)
            let doctor = try await Self.context(app, t, .doctor)
            let me = try await Self.context(app, t, .patient)
            let records = Self.service(app, MedicalRecords.self)
            let hidden = try await records.create(.init(content: .init(kind: .labResult, title: "HIV test", body: "pending"),
                                                        appointmentID: nil, sharedWithPatient: false), patientID: patient, in: doctor)
            let shared = try await records.create(.init(content: .init(kind: .immunization, title: "Tetanus", body: "given"),
                                                        appointmentID: nil, sharedWithPatient: true), patientID: patient, in: doctor)

            let mine = try await records.list(patientID: patient, in: me, page: try PageRequest(limit: 10))
            #expect(mine.items.map(\.model.id) == [shared.model.id])
            #expect(try await records.get(try #require(shared.model.id), patientID: patient, in: me).content.title == "Tetanus")
            await #expect { try await records.get(try #require(hidden.model.id), patientID: patient, in: me) } throws: { Self.status(of: $0) == 404 }
            // The care team sees both, newest first.
            let all = try await records.list(patientID: patient, in: doctor, page: try PageRequest(limit: 10))
            #expect(all.items.map(\.model.id) == [shared.model.id, hidden.model.id])
        }
    }

    @Test("every write is an audit event of the kind and every read a phi.read, with the request's origin", arguments: TestBackend.enabled)
    func audited(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "svc-audit")
            let patient = try await Fixtures.patient(app, t)
            let doctor = try await Self.context(app, t, .doctor)
            let records = Self.service(app, MedicalRecords.self)
            let record = try await records.create(.init(content: .init(kind: .allergy, title: "Penicillin", body: "rash"),
                                                        appointmentID: nil, sharedWithPatient: false), patientID: patient, in: doctor)
            let recordID = try #require(record.model.id).uuidString.lowercased()

            let writes = try await Self.events(app, "medical_record.create")
            #expect(writes.count == 1)
            let write = try #require(writes.first)
            #expect(write.targetType == "medical_record")
            #expect(write.targetID == recordID)
            #expect(write.requestID == "svc-test")
            let details = try #require(try JSONSerialization.jsonObject(with: Data(write.details.utf8)) as? [String: String])
            #expect(details == ["patient_id": patient.uuidString.lowercased(), "kind": "allergy"])
            #expect(!write.details.contains("Penicillin"))

            _ = try await records.list(patientID: patient, in: doctor, page: try PageRequest(limit: 10))
            _ = try await records.get(try #require(record.model.id), patientID: patient, in: doctor)
            #expect(try await F.phiReads(app, patientID: patient) == ["medical_records", "medical_record:\(recordID)"])
            // A read that is refused records no read.
            await #expect { try await records.get(UUID(), patientID: patient, in: doctor) } throws: { Self.status(of: $0) == 404 }
            #expect(try await F.phiReads(app, patientID: patient).count == 2)
        }
    }
}
