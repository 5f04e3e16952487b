@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Issue 13, prescription analysis: `POST /api/v1/patients/{id}/prescriptions/analyze` with
/// `{"text"}` or `{"document_id"}` (a text or PDF prescription document of the patient) answers
/// `{"medications": [...], "interactions": [...], "source": "llm|rules"}`; the rule-based parser
/// with no language model, the tenant's LLM (de-identified) otherwise; stored on the patient
/// sealed and audited (`prescription.analyzed`). Expectations are what a pharmacist reads from
/// each prescription.
@Suite("Prescription analysis over HTTP")
struct PrescriptionAnalysisTests {
    typealias F = RecordFixtures

    static func path(_ patientID: UUID) -> String { "/api/v1/patients/\(patientID)/prescriptions/analyze" }

    static func medications(_ res: TestingHTTPResponse) -> [String: [String: Any]] {
        let list = res.json["medications"] as? [[String: Any]] ?? []
        return Dictionary(list.map { (($0["name"] as? String ?? "").lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
    }

    static func interactionPairs(_ res: TestingHTTPResponse) -> [Set<String>: String] {
        let list = res.json["interactions"] as? [[String: Any]] ?? []
        return Dictionary(list.map { (Set(($0["between"] as? [String] ?? []).map { $0.lowercased() }), $0["severity"] as? String ?? "") },
                          uniquingKeysWith: { a, _ in a })
    }

    static func assessments(_ app: Application, _ patientID: UUID) async throws -> [PrescriptionAssessment] {
        try await PrescriptionAssessment.query(on: app.db).filter(\.$patientID == patientID).all()
    }

    @Test("rules (no language model): realistic prescriptions read into medicines and interactions, stored sealed, audited",
          arguments: TestBackend.enabled)
    func rulesPath(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "rx-rules")
            let patient = try await Fixtures.patient(app, t)

            // A diabetic with hypertension and knee pain, from the doctor.
            let first = try await app.send(.POST, Self.path(patient), token: t[.doctor].token, json: jsonBody(["text": """
                Metformin 500 mg PO BID x 30 days
                Lisinopril 10 mg PO once daily
                Ibuprofen 400 mg PO TID for 5 days
                """]))
            #expect(first.status == .ok, "\(first.text)")
            #expect(first.json["source"] as? String == "rules")
            let meds = Self.medications(first)
            #expect(Set(meds.keys) == ["metformin", "lisinopril", "ibuprofen"])
            let metformin = try #require(meds["metformin"])
            #expect(metformin["dose"] as? String == "500" && metformin["unit"] as? String == "mg" && metformin["route"] as? String == "oral")
            #expect(metformin["frequency"] as? String == "twice a day" && metformin["duration_days"] as? Int == 30)
            #expect(meds["lisinopril"]?["frequency"] as? String == "once a day")
            // No duration given: the key is there, null.
            #expect(meds["lisinopril"]?.keys.contains("duration_days") == true && meds["lisinopril"]?["duration_days"] is NSNull)
            #expect(meds["ibuprofen"]?["frequency"] as? String == "3 times a day" && meds["ibuprofen"]?["duration_days"] as? Int == 5)
            // An ACE inhibitor with an NSAID.
            #expect(Self.interactionPairs(first) == [["lisinopril", "ibuprofen"]: "moderate"])

            // Warfarin with an antibiotic that raises the INR, prescribed without a duration, by a nurse of the facility.
            let second = try await app.send(.POST, Self.path(patient), token: t[.nurse].token, json: jsonBody(["text": """
                Rx: Warfarin 5 mg PO OD. Ciprofloxacin 500 mg PO BID.
                """]))
            #expect(second.status == .ok, "\(second.text)")
            let cipro = try #require(Self.medications(second)["ciprofloxacin"])
            #expect((cipro["warnings"] as? [String] ?? []).contains { $0.localizedCaseInsensitiveContains("duration") })
            #expect(Self.interactionPairs(second) == [["warfarin", "ciprofloxacin"]: "major"], "\(second.text)")

            // Stored on the patient, sealed: neither the text nor the analysis in clear.
            let stored = try await Self.assessments(app, patient)
            #expect(stored.count == 2 && stored.allSatisfy { $0.source == .rules && $0.llmExchangeID == nil })
            #expect(Set(stored.compactMap(\.id).map { $0.uuidString }) == Set([first, second].compactMap { $0.json["id"] as? String }))
            let sql = try #require(app.db as? any SQLDatabase)
            for row in try await sql.raw("SELECT analysis_sealed, text_sealed FROM prescription_analyses").all() {
                for column in ["analysis_sealed", "text_sealed"] {
                    let value = try row.decode(column: column, as: String.self)
                    #expect(value.hasPrefix("gAAAAA") && !value.contains("arfarin") && !value.contains("etformin"), "\(column) is not sealed")
                }
            }
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "prescription.analyzed").all()
            #expect(events.count == 2 && events.allSatisfy { $0.outcome == "success" && $0.details.contains("\"source\":\"rules\"") })
            #expect(events.allSatisfy { !$0.details.localizedCaseInsensitiveContains("warfarin") && !$0.details.contains("Metformin") })
            // No language model was asked.
            #expect(try await LLMExchange.query(on: app.db).count() == 0)
        }
    }

    @Test("a text and a PDF prescription document of the patient are read; other documents refused",
          arguments: TestBackend.enabled)
    func documents(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "rx-docs")
            let patient = try await Fixtures.patient(app, t)
            func upload(_ kind: String, _ name: String, _ type: String, _ bytes: [UInt8], patient: UUID, tenant: TestTenant) async throws -> String {
                let res = try await F.upload(app, patientID: patient, token: tenant[.doctor].token, kind: kind,
                                             file: .init(filename: name, contentType: type, bytes: bytes))
                #expect(res.status == .created, "\(res.text)")
                return try #require(res.json["id"] as? String)
            }
            let text = try await upload("prescription", "rx.txt", "text/plain",
                                        Array("Amoxicillin 500 mg PO TID x 7 days\nParacetamol 1 g PO QID PRN\n".utf8),
                                        patient: patient, tenant: t)
            let pdf = try await upload("prescription", "rx.pdf", "application/pdf",
                                       try TestPDF.prescription(["Dr. N. Habimana, Kigali", "Omeprazole 20 mg PO OD x 28 days",
                                                                 "Clopidogrel 75 mg PO once daily"]),
                                       patient: patient, tenant: t)

            let fromText = try await app.send(.POST, Self.path(patient), token: t[.doctor].token, json: jsonBody(["document_id": text]))
            #expect(fromText.status == .ok, "\(fromText.text)")
            #expect(fromText.json["document_id"] as? String == text)
            let amoxicillin = try #require(Self.medications(fromText)["amoxicillin"])
            #expect(amoxicillin["frequency"] as? String == "3 times a day" && amoxicillin["duration_days"] as? Int == 7)
            #expect(Self.medications(fromText)["paracetamol"]?["frequency"] as? String == "as needed")

            let fromPDF = try await app.send(.POST, Self.path(patient), token: t[.doctor].token, json: jsonBody(["document_id": pdf]))
            #expect(fromPDF.status == .ok, "\(fromPDF.text)")
            let pdfMeds = Self.medications(fromPDF)
            #expect(Set(pdfMeds.keys) == ["omeprazole", "clopidogrel"])
            #expect(pdfMeds["omeprazole"]?["duration_days"] as? Int == 28 && pdfMeds["omeprazole"]?["dose"] as? String == "20")
            #expect(Self.interactionPairs(fromPDF) == [["clopidogrel", "omeprazole"]: "moderate"])

            // A PDF that only draws, a lab report, and an image are not prescriptions to read.
            let scan = try await upload("prescription", "scan.pdf", "application/pdf", try TestPDF.drawingOnly(), patient: patient, tenant: t)
            let lab = try await upload("lab", "lab.txt", "text/plain", Array("HbA1c 7.2 %\n".utf8), patient: patient, tenant: t)
            let png = try await upload("prescription", "rx.png", "image/png", F.png(), patient: patient, tenant: t)
            for (id, says) in [(scan, "no extractable text"), (lab, "not a prescription"), (png, "text or PDF")] {
                let res = try await app.send(.POST, Self.path(patient), token: t[.doctor].token, json: jsonBody(["document_id": id]))
                #expect(res.status == .unprocessableEntity && res.isProblem, "\(says): \(res.status)")
                let error = (res.json["errors"] as? [[String: Any]])?.first
                #expect(error?["field"] as? String == "document_id")
                #expect((error?["reason"] as? String)?.contains(says) == true, "\(res.text)")
            }

            // Another patient's document, and another tenant's: not found, nothing stored.
            let other = try await Fixtures.patient(app, t, given: "Eric", family: "Ndayisaba")
            let othersDocument = try await upload("prescription", "o.txt", "text/plain", Array("Aspirin 75 mg PO OD\n".utf8),
                                                  patient: other, tenant: t)
            let u = try await Fixtures.tenant(app, slug: "rx-docs-other")
            let foreignPatient = try await Fixtures.patient(app, u)
            let foreign = try await upload("prescription", "f.txt", "text/plain", Array("Aspirin 75 mg PO OD\n".utf8),
                                           patient: foreignPatient, tenant: u)
            let before = try await Self.assessments(app, patient).count
            for id in [othersDocument, foreign, UUID().uuidString] {
                let res = try await app.send(.POST, Self.path(patient), token: t[.doctor].token, json: jsonBody(["document_id": id]))
                #expect(res.status == .notFound && res.isProblem, "\(res.status) \(res.text)")
            }
            #expect(try await Self.assessments(app, patient).count == before)
            #expect(try await Self.assessments(app, patient).count == 2)
        }
    }

    @Test("hostile input: both fields, neither, text over the limit, a body over the size limit, the patient, another tenant",
          arguments: TestBackend.enabled)
    func hostileInput(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "rx-hostile")
            let patient = try await Fixtures.patient(app, t)
            let doctor = t[.doctor].token
            func field(_ res: TestingHTTPResponse) -> [String] { (res.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }

            let both = try await app.send(.POST, Self.path(patient), token: doctor,
                                          json: jsonBody(["text": "Aspirin 75 mg OD", "document_id": UUID().uuidString]))
            #expect(both.status == .unprocessableEntity && both.isProblem && field(both) == ["document_id"], "\(both.text)")
            let neither = try await app.send(.POST, Self.path(patient), token: doctor, json: "{}")
            #expect(neither.status == .unprocessableEntity && field(neither) == ["text"], "\(neither.text)")
            let blank = try await app.send(.POST, Self.path(patient), token: doctor, json: jsonBody(["text": "   "]))
            #expect(blank.status == .unprocessableEntity && field(blank) == ["text"])
            let wrongTypes = try await app.send(.POST, Self.path(patient), token: doctor,
                                                json: #"{"text": 42, "document_id": "not-a-uuid", "llm": "gpt"}"#)
            #expect(wrongTypes.status == .unprocessableEntity && Set(field(wrongTypes)) == ["text", "document_id", "llm"], "\(wrongTypes.text)")
            let long = try await app.send(.POST, Self.path(patient), token: doctor,
                                          json: jsonBody(["text": String(repeating: "Aspirin 75 mg OD. ", count: 1_200)]))
            #expect(long.status == .unprocessableEntity && field(long) == ["text"], "\(long.status)")
            let huge = try await app.send(.POST, Self.path(patient), token: doctor,
                                          json: jsonBody(["text": String(repeating: "x", count: 2 * 1024 * 1024)]))
            #expect(huge.status == .payloadTooLarge && huge.isProblem, "\(huge.status)")

            // The patient themself, a receptionist: forbidden, audited; another tenant's patient: not found.
            for role in [Role.patient, .receptionist, .groupAdmin] {
                let res = try await app.send(.POST, Self.path(patient), token: t[role].token, json: jsonBody(["text": "Aspirin 75 mg OD"]))
                #expect(res.status == .forbidden && res.isProblem, "\(role): \(res.status)")
            }
            let u = try await Fixtures.tenant(app, slug: "rx-hostile-other")
            let elsewhere = try await Fixtures.patient(app, u)
            let cross = try await app.send(.POST, Self.path(elsewhere), token: doctor, json: jsonBody(["text": "Aspirin 75 mg OD"]))
            #expect(cross.status == .notFound && cross.isProblem)
            #expect(try await PrescriptionAssessment.query(on: app.db).count() == 0)
            let denials = try await AuditEvent.query(on: app.db).filter(\.$tenantID == t.id).filter(\.$outcome == "denied").count()
            #expect(denials == 3)
        }
    }
}
