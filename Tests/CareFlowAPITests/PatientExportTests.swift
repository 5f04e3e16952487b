@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// `GET /api/v1/patients/{id}/export` (issue 16: HIPAA right of access, GDPR Art. 15). The
/// archive is opened by Python's `zipfile` (an independent reader) and checked against what the
/// test itself wrote: each kind of data, the document bytes, nothing of another patient.
@Suite("Patient data export")
struct PatientExportTests {
    typealias F = RecordFixtures

    /// What one export run seeded, in the test's own words.
    struct Seeded {
        let patient: UUID
        let other: UUID
        let sharedRecord: String
        let hiddenRecordTitle: String
        let sharedNote: String
        let hiddenNote: String
        let documentID: String
        let documentBytes: [UInt8]
        let appointment: UUID
        let invoice: UUID
        let claim: UUID
        let ward: UUID
        let stepTitle: String
        let otherSecret: String
    }

    static func seed(_ app: Application, _ t: TestTenant) async throws -> Seeded {
        let patient = try await Fixtures.patient(app, t, given: "Aline", family: "Uwase", nationalID: "1198870012345678", phone: "+250788123456")
        let doctor = t[.doctor]
        let base = "/api/v1/patients/\(patient)"
        func created(_ res: TestingHTTPResponse) throws -> String {
            #expect(res.status == .created || res.status == .ok, "\(res.status) \(res.text)")
            return try #require(res.json["id"] as? String)
        }
        _ = try created(try await app.send(.POST, "\(base)/records", token: doctor.token, json: jsonBody(
            ["kind": "diagnosis", "title": "Hypertension stage 1", "body": "BP 142/91 at rest", "shared_with_patient": true])))
        _ = try created(try await app.send(.POST, "\(base)/records", token: doctor.token, json: jsonBody(
            ["kind": "diagnosis", "title": "Internal differential QX-17", "body": "not shared", "shared_with_patient": false])))
        _ = try created(try await app.send(.POST, "\(base)/notes", token: doctor.token,
                                           json: jsonBody(["body": "Walk thirty minutes daily.", "shared_with_patient": true])))
        _ = try created(try await app.send(.POST, "\(base)/notes", token: doctor.token,
                                           json: jsonBody(["body": "Consider referral QX-18.", "shared_with_patient": false])))
        let bytes = F.pdf(size: 300_000, seed: 16)
        let upload = try await F.upload(app, patientID: patient, token: doctor.token, kind: "lab", shared: true,
                                        file: F.FilePart(filename: "lab result (march) #2.pdf", contentType: "application/pdf", bytes: bytes))
        let documentID = try created(upload)

        let appointment = try await F.appointment(app, t, patientID: patient)
        let invoice = try await ClaimFixtures.invoice(app, t, patientID: patient, status: .paid, total: 100_000)
        let refund = InvoiceRefund()
        refund.id = UUID()
        refund.invoiceID = invoice
        refund.facilityID = t.f1.id!
        refund.providerRefundID = "re_export_1"
        refund.amount = 20_000
        refund.currency = "rwf"
        refund.status = "succeeded"
        refund.refundedAt = Date()
        try await TenantScope(tenantID: t.id, db: app.db).create(refund)
        let claim = try await ClaimFixtures.serviceClaim(app, t, invoice: invoice, amount: 60_000)
        let ward = try await AnalyticsFixtures.ward(app, t, facility: t.f1.id!, name: "Ward Export", beds: 4)
        _ = try await AnalyticsFixtures.admit(app, t, ward: ward, facility: t.f1.id!, bed: 2, patient: patient,
                                              at: Date().addingTimeInterval(-86_400), until: nil)

        let scope = TenantScope(tenantID: t.id, db: app.db)
        let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
        let note = VisitNote()
        note.id = TimeOrderedID.make()
        note.patientID = patient
        note.authorID = doctor.id
        note.bodySealed = try cipher.seal("Measure blood pressure every morning.")
        note.sharedWithPatient = false
        try await scope.create(note)
        let step = CareStep()
        step.id = TimeOrderedID.make()
        step.patientID = patient
        step.noteID = note.id!
        step.kind = .checklist
        step.titleSealed = try cipher.seal("Measure blood pressure every morning QX-19")
        step.timeZone = "Africa/Kigali"
        step.status = .open
        step.source = .rules
        try await scope.create(step)

        let analysis = try await app.send(.POST, "\(base)/prescriptions/analyze", token: doctor.token,
                                          json: jsonBody(["text": "Amoxicillin 500 mg PO TID x 7 days"]))
        #expect(analysis.status == .ok, "\(analysis.text)")
        let risk = try await app.send(.POST, "/api/v1/predict/health-risk", token: doctor.token, json: jsonBody(
            ["age": 70, "bmi": 35, "blood_pressure": 190, "cholesterol": 300, "patient_id": patient.uuidString]))
        #expect(risk.status == .ok, "\(risk.text)")

        // Another patient of the same tenant, cared for by the same doctor, with their own record.
        let other = try await ClaimFixtures.unlinkedPatient(app, t, given: "Other")
        try await scope.create(CareRelationship(tenantID: t.id, patientID: other, doctorID: doctor.id, kind: .primary, referredBy: nil, endsOn: nil))
        _ = try created(try await app.send(.POST, "/api/v1/patients/\(other)/records", token: doctor.token, json: jsonBody(
            ["kind": "diagnosis", "title": "Other patient secret QX-20", "body": "QX-20", "shared_with_patient": true])))
        _ = try await F.appointment(app, t, patientID: other, in: 48)

        return Seeded(patient: patient, other: other, sharedRecord: "Hypertension stage 1", hiddenRecordTitle: "Internal differential QX-17",
                      sharedNote: "Walk thirty minutes daily.", hiddenNote: "Consider referral QX-18.", documentID: documentID,
                      documentBytes: bytes, appointment: appointment, invoice: invoice, claim: claim, ward: ward,
                      stepTitle: "Measure blood pressure every morning QX-19", otherSecret: "QX-20")
    }

    /// The archive's members as Python's `zipfile` reads them (after `testzip()`), or nil where
    /// Python is missing and interop is not required.
    struct Unzipped {
        let names: [String]
        let members: [String: [UInt8]]
        let sha256: [String: String]

        func json(_ name: String) throws -> Any {
            try JSONSerialization.jsonObject(with: Data(try #require(members[name], "\(name) missing")))
        }

        func array(_ name: String) throws -> [[String: Any]] { try #require(try json(name) as? [[String: Any]]) }
        func object(_ name: String) throws -> [String: Any] { try #require(try json(name) as? [String: Any]) }
    }

    static let reader = """
        import base64, hashlib, json, sys, zipfile
        with zipfile.ZipFile(sys.argv[1]) as z:
            bad = z.testzip()
            out = {"bad": bad, "names": z.namelist(), "members": {}}
            for info in z.infolist():
                data = z.read(info)
                out["members"][info.filename] = {"b64": base64.b64encode(data).decode(), "sha256": hashlib.sha256(data).hexdigest(),
                                                "method": info.compress_type}
        print(json.dumps(out))
        """

    static func unzip(_ bytes: [UInt8]) async throws -> Unzipped? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).zip").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/unzip") {
            let tested = try await Interop.run("/usr/bin/unzip", ["-t", "-qq", path])
            #expect(tested.status == 0, "unzip -t: \(tested.stdout) \(tested.stderr)")
        }
        guard let output = try await Interop.python(script: reader, arguments: [path], requiredModule: "zipfile") else { return nil }
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(parsed["bad"] is NSNull, "zipfile.testzip found a bad member: \(parsed["bad"] ?? "")")
        let raw = try #require(parsed["members"] as? [String: [String: Any]])
        var members: [String: [UInt8]] = [:]
        var sha: [String: String] = [:]
        for (name, member) in raw {
            let encoded = try #require(member["b64"] as? String)
            members[name] = Array(try #require(Data(base64Encoded: encoded)))
            sha[name] = member["sha256"] as? String
            #expect(member["method"] as? Int == 0, "\(name) is stored")
        }
        return Unzipped(names: try #require(parsed["names"] as? [String]), members: members, sha256: sha)
    }

    @Test("the patient's own archive: each kind of their data, the document byte for byte, nothing of another patient, audited",
          arguments: TestBackend.enabled)
    func ownArchive(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "pex")
            let s = try await Self.seed(app, t)
            let res = try await app.send(.GET, "/api/v1/patients/\(s.patient)/export", token: t[.patient].token)
            #expect(res.status == .ok, "\(res.text)")
            #expect(res.headers.contentType == HTTPMediaType(type: "application", subType: "zip"))
            #expect(res.headers.first(name: .contentDisposition) == "attachment; filename=\"patient-\(s.patient.uuidString.lowercased())-export.zip\"")
            #expect(res.headers.first(name: .cacheControl) == "no-store")
            guard let zip = try await Self.unzip(res.bytes) else { return }
            let id = s.patient.uuidString.lowercased()

            let patient = try zip.object("patient.json")
            #expect(patient["id"] as? String == s.patient.uuidString)
            #expect(patient["given_name"] as? String == "Aline")
            #expect(patient["family_name"] as? String == "Uwase")
            #expect(patient["birth_date"] as? String == "1988-04-12")
            #expect(patient["phone"] as? String == "+250788123456")
            #expect(patient["national_id"] as? String == "1198870012345678")
            #expect(patient["blood_type"] as? String == "O+")

            // Records and notes: only those shared with the patient (as their own reads show them).
            let records = try zip.array("records.json")
            #expect(records.map { $0["title"] as? String } == [s.sharedRecord])
            #expect(records.first?["body"] as? String == "BP 142/91 at rest")
            let notes = try zip.array("notes.json")
            #expect(notes.map { $0["body"] as? String } == [s.sharedNote])

            let documents = try zip.array("documents.json")
            #expect(documents.count == 1)
            let path = "documents/\(s.documentID.lowercased())-lab_result__march___2.pdf"
            #expect(documents.first?["archive_path"] as? String == path)
            #expect(documents.first?["filename"] as? String == "lab result (march) #2.pdf")
            #expect(zip.members[path] == s.documentBytes, "document bytes differ")

            #expect(try zip.array("appointments.json").map { $0["id"] as? String } == [s.appointment.uuidString])
            let invoices = try zip.array("invoices.json")
            #expect(invoices.map { $0["id"] as? String } == [s.invoice.uuidString])
            #expect(invoices.first?["total"] as? Int == 100_000)
            #expect((invoices.first?["payment"] as? [String: Any])?["amount_paid"] as? Int == 100_000)
            let refunds = invoices.first?["refunds"] as? [[String: Any]] ?? []
            #expect(refunds.map { $0["amount"] as? Int } == [20_000])
            #expect(refunds.first?["provider_refund_id"] as? String == "re_export_1")
            let claims = try zip.array("claims.json")
            #expect(claims.map { $0["id"] as? String } == [s.claim.uuidString])
            #expect(claims.first?["amount"] as? Int == 60_000)
            #expect((claims.first?["history"] as? [[String: Any]])?.isEmpty == false)
            let admissions = try zip.array("admissions.json")
            #expect(admissions.map { $0["ward_id"] as? String } == [s.ward.uuidString])
            #expect(admissions.first?["bed"] as? Int == 2)
            #expect(try zip.array("care_steps.json").contains { $0["title"] as? String == s.stepTitle })
            // Analyses and risk scores are the clinicians' working material (as their own lists):
            // the files are there, empty for the patient.
            #expect(try zip.array("prescriptions.json").isEmpty)
            #expect(try zip.array("predictions.json").isEmpty)

            // The trail about them: at least the record written for them by the doctor.
            let audit = try zip.array("audit.json")
            #expect(audit.contains { $0["action"] as? String == "medical_record.create" && $0["actor_id"] as? String == t[.doctor].id.uuidString })
            #expect(audit.allSatisfy { $0["ip"] == nil })

            // Nothing of the other patient, nor what was not shared with this one, anywhere.
            let everything = zip.members.filter { $0.key.hasSuffix(".json") }.values.map { String(decoding: $0, as: UTF8.self) }.joined()
            for secret in [s.otherSecret, s.other.uuidString.lowercased(), s.other.uuidString, "QX-17", "QX-18"] {
                #expect(!everything.contains(secret), "\(secret) leaked into the archive")
            }

            // The manifest: last, with every other member's size and SHA-256 as read back here.
            let manifest = try zip.object("manifest.json")
            #expect(zip.names.last == "manifest.json")
            #expect(manifest["format_version"] as? Int == 1)
            #expect(manifest["patient_id"] as? String == s.patient.uuidString)
            #expect((manifest["exported_by"] as? [String: Any])?["id"] as? String == t[.patient].id.uuidString)
            #expect((manifest["withheld"] as? [String]) == [])
            let counts = manifest["counts"] as? [String: Int] ?? [:]
            #expect(counts["records"] == 1 && counts["notes"] == 1 && counts["documents"] == 1 && counts["appointments"] == 1)
            #expect(counts["invoices"] == 1 && counts["claims"] == 1 && counts["admissions"] == 1 && counts["refunds"] == 1)
            let files = manifest["files"] as? [[String: Any]] ?? []
            #expect(Set(files.compactMap { $0["name"] as? String }) == Set(zip.names).subtracting(["manifest.json"]))
            for file in files {
                let name = file["name"] as? String ?? ""
                #expect(file["sha256"] as? String == zip.sha256[name], "\(name) checksum")
                #expect(file["size"] as? Int == zip.members[name]?.count, "\(name) size")
            }

            // Audited: one `patient.exported` by the patient, with what it held.
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "patient.exported").all()
            #expect(events.count == 1)
            #expect(events.first?.actorID == t[.patient].id)
            #expect(events.first?.targetID == id)
            let details = (try? JSONSerialization.jsonObject(with: Data((events.first?.details ?? "{}").utf8))) as? [String: String]
            #expect(details?["documents"] == "1" && details?["records"] == "1")
        }
    }

    @Test("who may export: admins in reach (without clinical content), not other roles, not another patient, not another tenant",
          arguments: TestBackend.enabled)
    func access(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "pex-who")
            let foreign = try await Fixtures.tenant(app, slug: "pex-far")
            let s = try await Self.seed(app, t)
            let path = "/api/v1/patients/\(s.patient)/export"

            // The group admin: demographics, appointments, billing, admissions, the trail; the
            // clinical sections withheld (PRODUCT §1), and no denial written for them.
            let deniedBefore = try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied").count()
            let admin = try await app.send(.GET, path, token: t[.groupAdmin].token)
            #expect(admin.status == .ok, "\(admin.text)")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied").count() == deniedBefore)
            if let zip = try await Self.unzip(admin.bytes) {
                #expect(try zip.object("patient.json")["given_name"] as? String == "Aline")
                #expect(try zip.object("patient.json")["blood_type"] == nil)
                for clinical in ["records.json", "notes.json", "documents.json", "care_steps.json", "prescriptions.json", "predictions.json"] {
                    #expect(zip.members[clinical] == nil, "\(clinical) given to an admin")
                }
                #expect(!zip.names.contains { $0.hasPrefix("documents/") })
                #expect(try zip.array("invoices.json").count == 1)
                #expect(Set(try zip.object("manifest.json")["withheld"] as? [String] ?? [])
                        == ["records", "notes", "documents", "care_steps", "prescriptions", "predictions"])
            }
            // The facility admin of the patient's home facility may; of another facility may not.
            #expect(try await app.send(.GET, path, token: t[.facilityAdmin].token).status == .ok)
            for user in [t.f2Admin, t[.nurse], t[.doctor], t[.receptionist], t[.billing]] {
                let before = try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied").count()
                let res = try await app.send(.GET, path, token: user.token)
                #expect(res.status == .forbidden, "\(res.status)")
                #expect(res.isProblem)
                #expect(try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied").count() == before + 1)
            }
            // The patient on someone else's record: 403; another tenant's admin: 404 (not revealed).
            #expect(try await app.send(.GET, "/api/v1/patients/\(s.other)/export", token: t[.patient].token).status == .forbidden)
            let far = try await app.send(.GET, path, token: foreign[.groupAdmin].token)
            #expect(far.status == .notFound && far.isProblem)
            #expect(try await app.send(.GET, "/api/v1/patients/not-a-uuid/export", token: t[.patient].token).status == .notFound)
            #expect(try await app.send(.GET, path).status == .unauthorized)
            // At most 4 requests a minute per caller: the patient's two refused above, two exports,
            // then 429. The bucket gives one back every 15 s, and an export of a loaded machine can
            // take seconds, so the patient asks until refused: at most one more per 15 s gone by.
            let started = Date()
            var exported = 0
            var limited: TestingHTTPResponse?
            while limited == nil, exported < 10 {
                let res = try await app.send(.GET, path, token: t[.patient].token)
                if res.status == .tooManyRequests { limited = res } else {
                    #expect(res.status == .ok)
                    exported += 1
                }
            }
            // Never more than the bucket allows; refused with Retry-After once it is empty (a run so
            // loaded that each export outlasts a refill may never empty it).
            let allowed = 2 + Int(Date().timeIntervalSince(started) / 15) + 1
            #expect(exported >= 2 && exported <= allowed, "\(exported) exports, \(allowed) allowed")
            if let limited { #expect(limited.headers.first(name: .retryAfter) != nil) }
            #expect(limited != nil || exported == 10, "neither refused nor at the loop's end")
            // Exports recorded: the group admin's, the facility admin's and the patient's; none for the refused.
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "patient.exported").count() == 2 + exported)
        }
    }

    @Test("a document whose stored file is gone is an error answer before the first byte, not a cut-off archive",
          arguments: TestBackend.enabled)
    func damagedDocument(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "pex-broken")
            let patient = try await Fixtures.patient(app, t)
            let upload = try await F.upload(app, patientID: patient, token: t[.doctor].token, shared: true,
                                            file: F.FilePart(filename: "scan.pdf", contentType: "application/pdf", bytes: F.pdf(size: 5_000)))
            let raw = try #require(upload.json["id"] as? String)
            let id = try #require(UUID(uuidString: raw))
            try FileManager.default.removeItem(at: app.services.documents.blobs.url(tenantID: t.id, documentID: id))
            let res = try await app.send(.GET, "/api/v1/patients/\(patient)/export", token: t[.patient].token)
            #expect(res.status == .internalServerError, "\(res.status)")
            #expect(res.isProblem)
            #expect(res.headers.contentType != HTTPMediaType(type: "application", subType: "zip"))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "patient.exported").count() == 0)
        }
    }
}
