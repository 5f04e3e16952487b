@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Erasure by crypto-shredding (issue 16, GDPR Art. 17): `POST /api/v1/patients/{id}/erase`.
/// Expectations from the issue: after erasure no live key opens the patient's sealed values
/// (legacy values under the tenant key included), search no longer finds them, other patients
/// are untouched, reads answer 410, the audit chain verifies, and only a group admin may erase.
@Suite("Patient erasure")
struct PatientErasureTests {
    static func search(_ app: Application, _ t: TestTenant, _ query: String) async throws -> [String] {
        let res = try await app.send(.GET, "/api/v1/patients?\(query)", token: t[.groupAdmin].token)
        #expect(res.status == .ok, "\(res.text)")
        return (res.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    /// Every sealed token stored for the patient's rows, by "table.column".
    static func sealedTokens(_ app: Application, patientID: UUID) async throws -> [(String, String)] {
        let sql = try #require(app.db as? any SQLDatabase)
        var tokens: [(String, String)] = []
        for (table, columns, key) in [("patients", ["given_name_sealed", "family_name_sealed", "mrn_sealed", "birth_date_sealed",
                                                    "national_id_sealed", "details_sealed"], "id"),
                                      ("medical_records", ["title_sealed", "body_sealed"], "patient_id"),
                                      ("visit_notes", ["body_sealed"], "patient_id"),
                                      ("documents", ["file_key_sealed", "filename_sealed"], "patient_id")] {
            for row in try await sql.raw("SELECT \(SQLList(columns.map { SQLIdentifier($0) })) FROM \(ident: table) WHERE \(ident: key) = \(bind: patientID)").all() {
                for column in columns {
                    if let token = try row.decode(column: column, as: String?.self) { tokens.append(("\(table).\(column)", token)) }
                }
            }
        }
        return tokens
    }

    @Test("erasure shreds the patient's values (legacy ones too), removes their indexes and leaves others readable",
          arguments: TestBackend.enabled)
    func shreds(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "erase")
            let other = try await Fixtures.tenant(app, slug: "erase-other")
            let erased = try await Fixtures.patient(app, t, given: "Solange", family: "Mukamana", nationalID: "1199880012345678")
            let kept = try await Fixtures.patient(app, t, given: "Jeanne", family: "Mukamana")
            let keyring = app.services.keyring
            let tenantCipher = try await keyring.cipher(forTenant: t.id, on: app.db)
            let sql = try #require(app.db as? any SQLDatabase)

            // Clinical content through the API, then two values as rows written before patients had
            // keys would hold them: sealed under the tenant's key.
            let record = try await app.send(.POST, "/api/v1/patients/\(erased)/records", token: t[.doctor].token,
                                            json: jsonBody(["kind": "diagnosis", "title": "Hypertension", "body": "BP 160/100"]))
            #expect(record.status == .created, "\(record.text)")
            let recordID = try #require(record.json["id"] as? String)
            let note = try await app.send(.POST, "/api/v1/patients/\(erased)/notes", token: t[.doctor].token,
                                          json: jsonBody(["body": "Review in two weeks."]))
            #expect(note.status == .created, "\(note.text)")
            let upload = try await RecordFixtures.upload(app, patientID: erased, token: t[.doctor].token,
                                                         file: .init(filename: "Solange scan.pdf", bytes: RecordFixtures.pdf(size: 5_000)))
            #expect(upload.status == .created, "\(upload.text)")
            let documentID = try #require(upload.json["id"] as? String).lowercased()
            #expect(try RecordFixtures.blobFiles(app).contains { $0.name.contains(documentID) })
            try await sql.raw("UPDATE medical_records SET body_sealed = \(bind: try tenantCipher.seal("legacy body").token) WHERE id = \(bind: UUID(uuidString: recordID)!)").run()
            try await sql.raw("UPDATE patients SET birth_date_sealed = \(bind: try tenantCipher.seal("1970-01-01").token) WHERE id = \(bind: erased)").run()

            // Before: new values are under the patient's own key (not the tenant's), legacy ones still read.
            let givenBefore = try #require(try await Patient.find(erased, on: app.db)).givenNameSealed
            #expect(throws: FieldCipherError.cannotOpen) { try tenantCipher.open(givenBefore) }
            let before = try await app.send(.GET, "/api/v1/patients/\(erased)", token: t[.doctor].token)
            #expect(before.status == .ok)
            #expect(before.json["given_name"] as? String == "Solange")
            #expect(before.json["birth_date"] as? String == "1970-01-01")
            let mrn = try #require(before.json["mrn"] as? String)
            let legacyRead = try await app.send(.GET, "/api/v1/patients/\(erased)/records/\(recordID)", token: t[.doctor].token)
            #expect(legacyRead.json["body"] as? String == "legacy body")
            #expect(try await Self.search(app, t, "name=solange") == [erased.uuidString])
            #expect(try await Self.search(app, t, "mrn=\(mrn)") == [erased.uuidString])
            #expect(try await Self.search(app, t, "national_id=1199880012345678") == [erased.uuidString])
            #expect(Set(try await Self.search(app, t, "name=mukamana")) == [erased.uuidString, kept.uuidString])
            let tokensBefore = try await Self.sealedTokens(app, patientID: erased)
            // Patient: given, family, MRN, birth date, national id, details (no phone or email); record: title, body;
            // note: body; document: file key, file name.
            let expectedTokens: Int = 6 + 2 + 1 + 2
            #expect(tokensBefore.count == expectedTokens)

            let res = try await app.send(.POST, "/api/v1/patients/\(erased)/erase", token: t[.groupAdmin].token,
                                         json: jsonBody(["reason": "Art. 17 request of 2026-11-30"]))
            #expect(res.status == .ok, "\(res.text)")
            #expect(res.json["patient_id"] as? String == erased.uuidString)
            // Those 11 plus the fixture's one condition (code and note).
            let expectedShredded: Int = expectedTokens + 2
            #expect(res.json["values_shredded"] as? Int == expectedShredded)
            #expect(res.json["documents_deleted"] as? Int == 1)
            // The blob is gone from disk (and its file key was shredded with the rest).
            #expect(try !RecordFixtures.blobFiles(app).contains { $0.name.contains(documentID) })

            // No live key opens any of the patient's values: not the tenant's, not any remaining
            // patient key, not another tenant's; and the patient's own key is gone.
            #expect(try await PatientKey.query(on: app.db).filter(\.$patientID == erased).count() == 0)
            var live: [FieldCipher] = [tenantCipher, try await keyring.cipher(forTenant: other.id, on: app.db)]
            for key in try await PatientKey.query(on: app.db).all() {
                live.append(try await keyring.cipher(forPatient: key.patientID, tenantID: key.tenantID, on: app.db))
            }
            #expect(live.count >= 3)
            let tokensAfter = try await Self.sealedTokens(app, patientID: erased)
            #expect(tokensAfter.count == tokensBefore.count)
            for (column, token) in tokensAfter {
                for cipher in live {
                    #expect(throws: FieldCipherError.cannotOpen, "\(column)") { try cipher.open(Sealed<String>(token: token)) }
                }
            }
            // No new key is ever made for them.
            await #expect(throws: AppError.gone("Patient was erased")) {
                _ = try await keyring.cipher(forPatient: erased, tenantID: t.id, on: app.db)
            }

            // Identifying blind indexes are gone; search finds only the other patient.
            #expect(try await Self.search(app, t, "name=solange").isEmpty)
            #expect(try await Self.search(app, t, "mrn=\(mrn)").isEmpty)
            #expect(try await Self.search(app, t, "national_id=1199880012345678").isEmpty)
            #expect(try await Self.search(app, t, "name=mukamana") == [kept.uuidString])
            #expect(try await PatientNameToken.query(on: app.db).filter(\.$patientID == erased).count() == 0)
            #expect(try await PatientCondition.query(on: app.db).filter(\.$patientID == erased).count() == 0)
            let row = try #require(try await sql.raw("SELECT national_id_index, mrn_index FROM patients WHERE id = \(bind: erased)").first())
            #expect(try row.decode(column: "national_id_index", as: String?.self) == nil)
            #expect(try row.decode(column: "mrn_index", as: String.self) != tenantCipher.index(mrn, as: .mrn))

            // Reads answer 410 Gone; the other patient reads as before.
            for path in ["/api/v1/patients/\(erased)", "/api/v1/patients/\(erased)/records", "/api/v1/patients/\(erased)/records/\(recordID)"] {
                let gone = try await app.send(.GET, path, token: t[.groupAdmin].token)
                #expect(gone.status == .gone, "\(path): \(gone.status)")
                #expect(gone.isProblem)
            }
            // …and the contract says so for every operation under the patient (schemathesis found
            // the 410 undocumented once a generated erase had run).
            let paths = try await app.send(.GET, "/openapi.json").json["paths"] as? [String: [String: Any]] ?? [:]
            let underPatient = paths.filter { $0.key.hasPrefix("/api/v1/patients/{patientID}") }
            #expect(underPatient.count > 10)
            for (path, item) in underPatient {
                for (method, operation) in item {
                    let responses = (operation as? [String: Any])?["responses"] as? [String: Any] ?? [:]
                    #expect(responses["410"] != nil, "\(method.uppercased()) \(path) does not document 410")
                }
            }
            let survivor = try await app.send(.GET, "/api/v1/patients/\(kept)", token: t[.doctor].token)
            #expect(survivor.status == .ok)
            #expect(survivor.json["given_name"] as? String == "Jeanne")

            // A second erasure is a conflict; the first reason stays.
            let again = try await app.send(.POST, "/api/v1/patients/\(erased)/erase", token: t[.groupAdmin].token,
                                           json: jsonBody(["reason": "again"]))
            #expect(again.status == .conflict)
            #expect(again.isProblem)

            // The patient's account is disabled and its sessions ended.
            let account = try #require(try await User.find(t[.patient].id, on: app.db))
            #expect(account.status == .deactivated)
            #expect(try await app.send(.GET, "/api/v1/me", token: t[.patient].token).status == .unauthorized)

            // One `patient.erased` event, by id, without the reason; the chain verifies.
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "patient.erased").all()
            #expect(events.count == 1)
            #expect(events.first?.targetID == erased.uuidString.lowercased())
            let raw = try await sql.raw("SELECT * FROM audit_events").all()
            #expect(raw.count > 10)
            let stored = try await AuditEvent.query(on: app.db).all().map { "\($0.details)" }.joined()
            for secret in ["Solange", "Art. 17 request", "1199880012345678", "Hypertension"] {
                #expect(!stored.contains(secret), "audit details hold \(secret)")
            }
            #expect(try await AuditChainVerifier().verify(on: app.db).ok)

            // A tenant key rotation afterwards leaves the shredded values and the patient keys
            // alone (re-sealing the keys themselves), and the other patient still reads.
            let rotation = try await KeyRotationService(db: app.db, keyring: keyring, audit: app.services.audit)
                .rotateDataKey(owner: WrappedKey.owner(for: t.id))
            #expect(rotation.newVersion == 2)
            let afterRotation = try await app.send(.GET, "/api/v1/patients/\(kept)", token: t[.doctor].token)
            #expect(afterRotation.json["given_name"] as? String == "Jeanne")
        }
    }

    /// Messages are rendered when queued and sealed under the tenant's key, out of reach of the
    /// shredded patient key: an erased patient must not be texted or e-mailed afterwards, and the
    /// text of what was sent must not outlive the erasure.
    @Test("messages to the erased patient are withdrawn if unsent and blanked if sent; other patients' stay",
          arguments: TestBackend.enabled)
    func outboxMessages(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "erase-outbox")
            let erased = try await Fixtures.patient(app, t, given: "Solange", family: "Mukamana", phone: "+250788000101")
            let kept = try await Fixtures.patient(app, t, given: "Jeanne", family: "Uwase", phone: "+250788000202")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            // The patient account belongs to the erased patient alone.
            try await scope.query(Patient.self).filter(\.$id == kept).set(\.$userID, to: nil).update()
            let outbox = Outbox(keyring: app.services.keyring)
            let pendingSMS = try await outbox.enqueue(.sms(OutgoingSMS(to: "+250788000101", body: "Solange: cardiology tomorrow 10:00")), in: scope)
            let accountEmail = try await outbox.enqueue(.email(OutgoingEmail(to: t[.patient].email.uppercased(), subject: "Your results",
                                                                             body: "Solange, your results are ready")), in: scope)
            let job = try await outbox.enqueue(.extractSteps(noteID: UUID(), patientID: erased), in: scope)
            let sentSMS = try await outbox.enqueue(.sms(OutgoingSMS(to: "+250788000101", body: "Solange: your HbA1c is 9.1")), in: scope)
            sentSMS.status = .sent
            sentSMS.providerMessageID = "SM0123456789"
            try await scope.update(sentSMS)
            let otherSMS = try await outbox.enqueue(.sms(OutgoingSMS(to: "+250788000202", body: "Jeanne: dentist at 09:00")), in: scope)
            let otherJob = try await outbox.enqueue(.extractSteps(noteID: UUID(), patientID: kept), in: scope)

            let res = try await app.send(.POST, "/api/v1/patients/\(erased)/erase", token: t[.groupAdmin].token,
                                         json: jsonBody(["reason": "Art. 17 request"]))
            #expect(res.status == .ok, "\(res.text)")

            let remaining = Set(try await OutboxMessage.query(on: app.db).filter(\.$tenantID == t.id).all().compactMap(\.id))
            for (what, message) in [("pending SMS", pendingSMS), ("account e-mail", accountEmail), ("step extraction", job)] {
                #expect(!remaining.contains(message.id!), "\(what) to the erased patient is still queued")
            }
            for (what, message) in [("sent SMS", sentSMS), ("other patient's SMS", otherSMS), ("other patient's job", otherJob)] {
                #expect(remaining.contains(message.id!), "\(what) is gone")
            }
            // The sent message keeps its row for the provider's callbacks, to nobody and saying nothing.
            let sent = try #require(try await OutboxMessage.find(sentSMS.id, on: app.db))
            #expect(sent.status == .sent && sent.providerMessageID == "SM0123456789")
            #expect(try await outbox.open(sent, on: app.db) == .sms(OutgoingSMS(to: "(erased)", body: "")))
            let other = try #require(try await OutboxMessage.find(otherSMS.id, on: app.db))
            #expect(try await outbox.open(other, on: app.db) == .sms(OutgoingSMS(to: "+250788000202", body: "Jeanne: dentist at 09:00")))

            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "patient.erased")
                .filter(\.$tenantID == t.id).first())
            #expect(event.details.contains(#""messages_withdrawn":"3""#), "\(event.details)")
            #expect(event.details.contains(#""messages_blanked":"1""#), "\(event.details)")
        }
    }

    @Test("answers kept for Idempotency-Key retries that name the erased patient are forgotten; others replay",
          arguments: TestBackend.enabled)
    func idempotencyAnswers(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "erase-idem")
            let token = t[.receptionist].token
            func register(_ given: String, key: String) async throws -> TestingHTTPResponse {
                try await app.send(.POST, "/api/v1/patients", token: token,
                                   json: jsonBody(["given_name": given, "family_name": "Uwase", "sex": "female"]),
                                   headers: [("Idempotency-Key", key)])
            }
            let erased = try await register("Solange", key: "reg-solange")
            let kept = try await register("Jeanne", key: "reg-jeanne")
            #expect(erased.status == .created && kept.status == .created)
            let erasedID = try #require(erased.json["id"] as? String)
            #expect(try await IdempotencyRecord.query(on: app.db).count() == 2)

            let res = try await app.send(.POST, "/api/v1/patients/\(erasedID)/erase", token: t[.groupAdmin].token,
                                         json: jsonBody(["reason": "Art. 17 request"]))
            #expect(res.status == .ok, "\(res.text)")
            // Solange's registration answer (her name, MRN) is no longer kept; Jeanne's still replays.
            let keys = try await IdempotencyRecord.query(on: app.db).all().map(\.key)
            #expect(keys == ["reg-jeanne"])
            let replay = try await register("Jeanne", key: "reg-jeanne")
            #expect(replay.headers.first(name: "Idempotent-Replayed") == "true")
        }
    }

    @Test("careflow keys reseal-patients moves values under the tenant key onto each patient's key", arguments: TestBackend.enabled)
    func resealPatients(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "reseal")
            let patient = try await Fixtures.patient(app, t)
            let keyring = app.services.keyring
            let tenantCipher = try await keyring.cipher(forTenant: t.id, on: app.db)
            let sql = try #require(app.db as? any SQLDatabase)
            // Two values as a deployment from before patient keys holds them.
            let legacyBirth = try tenantCipher.seal("1970-01-01")
            let legacyGiven = try tenantCipher.seal("Legacy")
            try await sql.raw("""
                UPDATE patients SET birth_date_sealed = \(bind: legacyBirth.token), given_name_sealed = \(bind: legacyGiven.token)
                WHERE id = \(bind: patient)
                """).run()

            let report = try await PatientResealService(db: app.db, keyring: keyring).reseal(tenantID: t.id)
            #expect(report == PatientResealService.Report(patients: 1, resealed: 2))
            let row = try #require(try await Patient.find(patient, on: app.db))
            #expect(throws: FieldCipherError.cannotOpen) { try tenantCipher.open(row.birthDateSealed) }
            #expect(throws: FieldCipherError.cannotOpen) { try tenantCipher.open(row.givenNameSealed) }
            let own = try await keyring.cipher(forPatient: patient, tenantID: t.id, on: app.db)
            #expect(try own.open(row.birthDateSealed) == "1970-01-01")
            #expect(try own.open(row.givenNameSealed) == "Legacy")
            // A second run finds nothing left to move.
            #expect(try await PatientResealService(db: app.db, keyring: keyring).reseal(tenantID: t.id).resealed == 0)
        }
    }

    @Test("only the group admin erases (denials audited); another tenant's patient is 404; a reason is required",
          arguments: TestBackend.enabled)
    func access(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "erase-rbac")
            let other = try await Fixtures.tenant(app, slug: "erase-rbac-b")
            let patient = try await Fixtures.patient(app, t)
            let body = jsonBody(["reason": "request"])
            for role in [Role.nurse, .doctor, .facilityAdmin, .receptionist, .billing, .patient] {
                let denials = try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied").count()
                let res = try await app.send(.POST, "/api/v1/patients/\(patient)/erase", token: t[role].token, json: body)
                #expect(res.status == .forbidden, "\(role): \(res.status)")
                #expect(res.isProblem)
                #expect(try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied").count() == denials + 1, "\(role)")
            }
            let foreign = try await app.send(.POST, "/api/v1/patients/\(patient)/erase", token: other[.groupAdmin].token, json: body)
            #expect(foreign.status == .notFound)
            #expect(foreign.isProblem)
            let missing = try await app.send(.POST, "/api/v1/patients/\(patient)/erase", token: t[.groupAdmin].token, json: jsonBody([:]))
            #expect(missing.status == .unprocessableEntity)
            #expect((missing.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "reason")
            // Nothing was erased by any of these.
            #expect(try await app.send(.GET, "/api/v1/patients/\(patient)", token: t[.groupAdmin].token).status == .ok)
            #expect(try await PatientErasure.query(on: app.db).count() == 0)
        }
    }

    @Test("a value sealed by a patient cipher is a standard Fernet token under the patient's key", .tags(.interop))
    func fernetInterop() async throws {
        try await withCareFlow(.sqlite) { app in
            let t = try await Fixtures.tenant(app, slug: "erase-interop")
            let patient = try await Fixtures.patient(app, t)
            let tenantCipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
            let row = try #require(try await PatientKey.query(on: app.db).filter(\.$patientID == patient).first())
            let key: String = try tenantCipher.open(row.keySealed)
            let cipher = try await app.services.keyring.cipher(forPatient: patient, tenantID: t.id, on: app.db)
            let sealed = try cipher.seal("Nyiramana Béatrice")
            let output = try await Interop.python(script: """
                import sys
                from cryptography.fernet import Fernet
                print(Fernet(sys.argv[1].encode()).decrypt(sys.argv[2].encode()).decode())
                """, arguments: [key, sealed.token], requiredModule: "cryptography")
            guard let output else { return }
            #expect(output.trimmingCharacters(in: .newlines) == "Nyiramana Béatrice")
        }
    }
}
