@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Invoices (issue 14): drafts whose money the server computes, numbering that is gap-free per
/// facility and year under concurrency, forward-only states, reach by facility and patient,
/// sealed line text and audited reads. Expected numbers are worked out by hand here.
@Suite("Invoices")
struct InvoiceTests {
    /// A tenant whose file bills in Rwandan francs, so the default currency is visibly the tenant's.
    static func tenantFile(_ slug: String) -> [String: String] {
        ["\(slug).yaml": """
            slug: \(slug)
            name: Billing \(slug)
            timezone: Africa/Kigali
            currency: rwf
            """]
    }

    static var worked: [[String: Any]] { [
        ["description": "Consultation", "quantity": 2, "unit_amount": 15_000, "tax_rate_bps": 1_800],  // 30 000 + 5 400
        ["description": "Malaria rapid test", "quantity": 3, "unit_amount": 1_235, "tax_rate_bps": 750],  // 3 705 + 277.875 → 278
        ["description": "Paracetamol 500 mg", "quantity": 1, "unit_amount": 999],  // 999, no tax
        ["description": "Dressing", "quantity": 1, "unit_amount": 10, "tax_rate_bps": 500],  // 10 + 0.5 → 1
    ] }

    static func lines(_ json: [String: Any]) -> [[String: Any]] { json["lines"] as? [[String: Any]] ?? [] }

    static func kigaliYear() -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Africa/Kigali")!
        return calendar.component(.year, from: Date())
    }

    /// Written out here rather than taken from `InvoiceNumber`: the contract's format.
    static func number(_ facilityCode: String, _ year: Int, _ n: Int) -> String {
        let digits = String(n)
        return "INV-\(facilityCode)-\(year)-" + String(repeating: "0", count: 6 - digits.count) + digits
    }

    static func auditEvents(_ app: Application, _ t: TestTenant, _ action: String) async throws -> [AuditEvent] {
        try await AuditEvent.query(on: app.db).filter(\.$tenantID == t.id).filter(\.$action == action).all()
    }

    @Test("a draft's amounts, tax and totals are the server's, in the tenant's currency; read back with its lines; audited",
          arguments: TestBackend.enabled)
    func createAndRead(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: Self.tenantFile("inv")) { app in
            let t = try await Fixtures.tenant(app, slug: "inv")
            let patient = try await Fixtures.patient(app, t)
            let res = try await app.send(.POST, "/api/v1/invoices", token: t[.billing].token,
                                         json: InvoiceFixtures.body(patient: patient, facility: t.f1.id!, lines: Self.worked))
            #expect(res.status == .created, "\(res.text)")
            let created = res.json
            #expect(created["status"] as? String == "draft")
            #expect(created["number"] is NSNull && created["issued_at"] is NSNull)
            #expect(created["currency"] as? String == "rwf")
            #expect(created["subtotal"] as? Int == 34_714)
            #expect(created["tax"] as? Int == 5_679)
            #expect(created["total"] as? Int == 40_393)
            #expect(created["amount_paid"] as? Int == 0 && created["amount_refunded"] as? Int == 0)
            let lines = Self.lines(created)
            #expect(lines.map { $0["amount"] as? Int } == [30_000, 3_705, 999, 10])
            #expect(lines.map { $0["tax"] as? Int } == [5_400, 278, 0, 1])
            #expect(lines.map { $0["tax_rate_bps"] as? Int } == [1_800, 750, 0, 500])
            #expect(lines.map { $0["description"] as? String } == ["Consultation", "Malaria rapid test", "Paracetamol 500 mg", "Dressing"])
            let id = try #require(created["id"] as? String)

            // Read back by billing, by the facility admin and by the patient themself: the same money.
            for role in [Role.billing, .facilityAdmin, .patient, .groupAdmin] {
                let read = try await app.send(.GET, "/api/v1/invoices/\(id)", token: t[role].token)
                #expect(read.status == .ok, "\(role): \(read.text)")
                #expect(read.json["total"] as? Int == 40_393 && Self.lines(read.json).count == 4, "\(role)")
                #expect(Self.lines(read.json).first?["description"] as? String == "Consultation", "\(role)")
            }

            // An explicit currency wins over the tenant's.
            let euros = try await app.send(.POST, "/api/v1/invoices", token: t[.billing].token,
                                           json: InvoiceFixtures.body(patient: patient, facility: t.f1.id!, extra: ["currency": "eur"]))
            #expect(euros.status == .created && euros.json["currency"] as? String == "eur", "\(euros.text)")

            // Sealed at rest: no line text in the table; the audit trail has amounts, not text.
            let sql = try #require(app.db as? any SQLDatabase)
            let stored = try await sql.raw("SELECT description_sealed FROM invoice_lines").all()
                .map { try $0.decode(column: "description_sealed", as: String.self) }
            #expect(stored.count == 5)
            #expect(stored.allSatisfy { !$0.contains("Consultation") && !$0.contains("Malaria") && !$0.contains("Dressing") })
            let createdEvents = try await Self.auditEvents(app, t, "invoice.created")
            #expect(createdEvents.count == 2)
            let details = try #require(createdEvents.first { $0.targetID == id.lowercased() }?.details)
            #expect(details.contains("40393") && !details.contains("Consultation"))
            #expect(try await Self.auditEvents(app, t, "invoice.read").count == 4)
        }
    }

    @Test("hostile bodies: 422 naming every bad field, line fields by index", arguments: TestBackend.enabled)
    func validation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "invbad")
            let patient = try await Fixtures.patient(app, t)
            let f1 = t.f1.id!
            let ok: [String: Any] = ["description": "Consultation", "quantity": 1, "unit_amount": 100]
            func line(_ changes: [String: Any]) -> [String: Any] { ok.merging(changes) { _, new in new } }
            let cases: [(String, String, Set<String>)] = [
                ("no lines", jsonBody(["patient_id": patient.uuidString, "facility_id": f1.uuidString]), ["lines"]),
                ("empty lines", InvoiceFixtures.body(patient: patient, facility: f1, lines: []), ["lines"]),
                ("101 lines", InvoiceFixtures.body(patient: patient, facility: f1, lines: Array(repeating: ok, count: 101)), ["lines"]),
                ("lines not an array", jsonBody(["patient_id": patient.uuidString, "facility_id": f1.uuidString, "lines": "x"]), ["lines"]),
                ("quantity 0", InvoiceFixtures.body(patient: patient, facility: f1, lines: [line(["quantity": 0])]), ["lines[0].quantity"]),
                ("quantity too large", InvoiceFixtures.body(patient: patient, facility: f1, lines: [line(["quantity": 100_001])]),
                 ["lines[0].quantity"]),
                ("fractional quantity", InvoiceFixtures.body(patient: patient, facility: f1, lines: [line(["quantity": 1.5])]),
                 ["lines[0].quantity"]),
                ("amount as a string", InvoiceFixtures.body(patient: patient, facility: f1, lines: [ok, line(["unit_amount": "100"])]),
                 ["lines[1].unit_amount"]),
                ("fractional amount", InvoiceFixtures.body(patient: patient, facility: f1, lines: [line(["unit_amount": 10.5])]),
                 ["lines[0].unit_amount"]),
                ("negative amount", InvoiceFixtures.body(patient: patient, facility: f1, lines: [line(["unit_amount": -1])]),
                 ["lines[0].unit_amount"]),
                ("amount above 10^11", InvoiceFixtures.body(patient: patient, facility: f1, lines: [line(["unit_amount": 100_000_000_001])]),
                 ["lines[0].unit_amount"]),
                ("tax rate above 100 %", InvoiceFixtures.body(patient: patient, facility: f1, lines: [line(["tax_rate_bps": 10_001])]),
                 ["lines[0].tax_rate_bps"]),
                ("empty description", InvoiceFixtures.body(patient: patient, facility: f1, lines: [line(["description": "  "])]),
                 ["lines[0].description"]),
                ("description of 501", InvoiceFixtures.body(patient: patient, facility: f1,
                                                            lines: [line(["description": String(repeating: "a", count: 501)])]),
                 ["lines[0].description"]),
                ("unknown line field", InvoiceFixtures.body(patient: patient, facility: f1, lines: [line(["amount": 5])]),
                 ["lines[0].amount"]),
                ("several at once", InvoiceFixtures.body(patient: patient, facility: f1,
                                                         lines: [line(["unit_amount": 1.25]), ok, line(["quantity": "2", "tax_rate_bps": -1])]),
                 ["lines[0].unit_amount", "lines[2].quantity", "lines[2].tax_rate_bps"]),
                ("upper-case currency", InvoiceFixtures.body(patient: patient, facility: f1, extra: ["currency": "USD"]), ["currency"]),
                ("short currency", InvoiceFixtures.body(patient: patient, facility: f1, extra: ["currency": "us"]), ["currency"]),
                ("bad ids", jsonBody(["patient_id": "nope", "facility_id": 7, "lines": [ok]]), ["patient_id", "facility_id"]),
                ("client-sent total", InvoiceFixtures.body(patient: patient, facility: f1, extra: ["total": 1]), ["total"]),
            ]
            for (name, body, fields) in cases {
                let res = try await app.send(.POST, "/api/v1/invoices", token: t[.billing].token, json: body)
                #expect(res.status == .unprocessableEntity, "\(name): \(res.status) \(res.text)")
                #expect(res.isProblem, "\(name)")
                let named = Set((res.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
                #expect(named == fields, "\(name): named \(named.sorted())")
            }
            if !Locale.Currency.isoCurrencies.isEmpty {
                let res = try await app.send(.POST, "/api/v1/invoices", token: t[.billing].token,
                                             json: InvoiceFixtures.body(patient: patient, facility: f1, extra: ["currency": "qqq"]))
                #expect(res.status == .unprocessableEntity, "unknown ISO code: \(res.text)")
            }

            // Links: an appointment or admission of another patient or facility is refused by name.
            let other = try await Fixtures.patient(app, t, given: "Other")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let appointment = Appointment(tenantID: t.id, facilityID: t.f1.id!, doctorID: t[.doctor].id, patientID: other,
                                          startsAt: Date().addingTimeInterval(86_400), endsAt: Date().addingTimeInterval(88_200), bookedBy: nil)
            try await scope.create(appointment)
            let ward = Ward()
            ward.facilityID = t.f2.id!
            ward.name = "Ward B"
            ward.beds = 4
            try await scope.create(ward)
            let admission = Admission()
            admission.facilityID = t.f2.id!
            admission.wardID = ward.id!
            admission.patientID = patient
            admission.bed = 1
            admission.status = .current
            admission.admittedAt = Date()
            admission.reasonSealed = try await app.services.keyring.cipher(forTenant: t.id, on: app.db).seal("Observation")
            try await scope.create(admission)
            let linked = try await app.send(.POST, "/api/v1/invoices", token: t[.billing].token, json: InvoiceFixtures.body(
                patient: patient, facility: f1, extra: ["appointment_id": appointment.id!.uuidString, "admission_id": admission.id!.uuidString]))
            #expect(linked.status == .unprocessableEntity, "\(linked.text)")
            let named = Set((linked.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(named == ["appointment_id", "admission_id"])
            // The other patient's own appointment is fine.
            let own = try await app.send(.POST, "/api/v1/invoices", token: t[.billing].token, json: InvoiceFixtures.body(
                patient: other, facility: f1, extra: ["appointment_id": appointment.id!.uuidString]))
            #expect(own.status == .created && (own.json["appointment_id"] as? String)?.lowercased() == appointment.id!.lowercasedString)

            // Nothing half-written by the refusals: only that one invoice and its line exist.
            #expect(try await scope.query(Invoice.self).count() == 1)
            #expect(try await scope.query(InvoiceLine.self).count() == 1)
        }
    }

    @Test("a draft's lines are replaced and its money computed again; an issued invoice never changes", arguments: TestBackend.enabled)
    func editDraft(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "invedit")
            let patient = try await Fixtures.patient(app, t)
            let token = t[.billing].token
            let id = try await InvoiceFixtures.draft(app, token: token, patient: patient, facility: t.f1.id!)
            let replacement: [[String: Any]] = [
                ["description": "Ward day", "quantity": 3, "unit_amount": 20_000, "tax_rate_bps": 1_500],  // 60 000 + 9 000
                ["description": "Meals", "quantity": 7, "unit_amount": 333, "tax_rate_bps": 250],  // 2 331 + 58.275 → 58
            ]
            let edited = try await app.send(.PATCH, "/api/v1/invoices/\(id)", token: token, json: jsonBody(["lines": replacement]))
            #expect(edited.status == .ok, "\(edited.text)")
            #expect(Self.lines(edited.json).map { $0["description"] as? String } == ["Ward day", "Meals"])
            #expect(Self.lines(edited.json).map { $0["tax"] as? Int } == [9_000, 58])
            #expect(edited.json["subtotal"] as? Int == 62_331 && edited.json["tax"] as? Int == 9_058 && edited.json["total"] as? Int == 71_389)
            let scope = TenantScope(tenantID: t.id, db: app.db)
            #expect(try await scope.query(InvoiceLine.self).filter(\.$invoiceID == UUID(uuidString: id)!).count() == 2)
            #expect(try await Self.auditEvents(app, t, "invoice.updated").count == 1)

            let bad = try await app.send(.PATCH, "/api/v1/invoices/\(id)", token: token,
                                         json: jsonBody(["lines": [["description": "x", "quantity": 0, "unit_amount": 1]]]))
            #expect(bad.status == .unprocessableEntity)
            #expect((bad.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == ["lines[0].quantity"])

            // Finalized: the lines and money are what was issued, and stay so.
            let issued = try await app.send(.POST, "/api/v1/invoices/\(id)/finalize", token: token)
            #expect(issued.json["total"] as? Int == 71_389)
            let finalizedEvent = try #require(try await Self.auditEvents(app, t, "invoice.finalized").first)
            #expect(finalizedEvent.details.contains("71389"))
            let late = try await app.send(.PATCH, "/api/v1/invoices/\(id)", token: token, json: jsonBody(["lines": replacement.prefix(1).map { $0 }]))
            #expect(late.status == .conflict && (late.json["detail"] as? String)?.contains("open") == true, "\(late.text)")
            let stored = try #require(try await scope.find(Invoice.self, UUID(uuidString: id)))
            #expect(stored.total == 71_389)
            #expect(try await scope.query(InvoiceLine.self).filter(\.$invoiceID == UUID(uuidString: id)!).count() == 2)
            // Another facility's draft: 403 for billing of f1.
            let atF2 = try await InvoiceFixtures.draft(app, token: t[.groupAdmin].token, patient: patient, facility: t.f2.id!)
            let denied = try await app.send(.PATCH, "/api/v1/invoices/\(atF2)", token: token, json: jsonBody(["lines": replacement]))
            #expect(denied.status == .forbidden)
        }
    }

    @Test("20 drafts finalized concurrently over HTTP get numbers 1…20 exactly; another facility counts on its own",
          arguments: TestBackend.enabled)
    func concurrentNumbering(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "invnum")
            let patient = try await Fixtures.patient(app, t)
            var drafts: [String] = []
            for _ in 0..<20 { drafts.append(try await InvoiceFixtures.draft(app, token: t[.billing].token, patient: patient, facility: t.f1.id!)) }
            let token = t[.billing].token
            let answers = try await withThrowingTaskGroup(of: (HTTPStatus, String?).self) { group in
                for id in drafts {
                    group.addTask {
                        let res = try await app.send(.POST, "/api/v1/invoices/\(id)/finalize", token: token)
                        return (res.status, res.json["number"] as? String)
                    }
                }
                var all: [(HTTPStatus, String?)] = []
                for try await answer in group { all.append(answer) }
                return all
            }
            #expect(answers.allSatisfy { $0.0 == .ok }, "\(answers.map(\.0.code))")
            let year = Self.kigaliYear()
            let expected = Set((1...20).map { Self.number("invnum-f1", year, $0) })
            #expect(Set(answers.compactMap(\.1)) == expected)
            #expect(answers.compactMap(\.1).count == 20)
            let stored = try await TenantScope(tenantID: t.id, db: app.db).query(Invoice.self).all()
            #expect(Set(stored.compactMap(\.number)) == expected)
            #expect(stored.allSatisfy { $0.status == .open && $0.issuedAt != nil })
            #expect(try await InvoiceSequence.query(on: app.db).filter(\.$facilityID == t.f1.id!).first()?.lastNumber == 20)
            #expect(try await Self.auditEvents(app, t, "invoice.finalized").count == 20)

            // The second facility starts at 1.
            let other = try await InvoiceFixtures.draft(app, token: t[.groupAdmin].token, patient: patient, facility: t.f2.id!)
            let res = try await app.send(.POST, "/api/v1/invoices/\(other)/finalize", token: t[.groupAdmin].token)
            #expect(res.json["number"] as? String == Self.number("invnum-f2", year, 1), "\(res.text)")
        }
    }

    @Test("a finalize that fails takes no number: the next one gets it, no gap", arguments: TestBackend.enabled)
    func gapFreeAcrossFailure(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "invgap")
            let patient = try await Fixtures.patient(app, t)
            let token = t[.billing].token
            let year = Self.kigaliYear()
            func number(_ n: Int) -> String { Self.number("invgap-f1", year, n) }
            let a = try await InvoiceFixtures.draft(app, token: token, patient: patient, facility: t.f1.id!)
            let b = try await InvoiceFixtures.draft(app, token: token, patient: patient, facility: t.f1.id!)
            let c = try await InvoiceFixtures.draft(app, token: token, patient: patient, facility: t.f1.id!)
            #expect(try await app.send(.POST, "/api/v1/invoices/\(a)/finalize", token: token).json["number"] as? String == number(1))

            // An invoice already holding number 2 (as an import might leave one) makes b's finalize fail after it took 2.
            let blocker = try await InvoiceFixtures.invoice(app, t, patient: patient, facility: t.f1.id!, status: .open, number: number(2))
            let failed = try await app.send(.POST, "/api/v1/invoices/\(b)/finalize", token: token)
            #expect(failed.status == .conflict && failed.isProblem, "\(failed.text)")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let stillDraft = try #require(try await scope.find(Invoice.self, UUID(uuidString: b)))
            #expect(stillDraft.status == .draft && stillDraft.number == nil && stillDraft.issuedAt == nil)
            #expect(try await InvoiceSequence.query(on: app.db).filter(\.$facilityID == t.f1.id!).first()?.lastNumber == 1)
            #expect(try await Self.auditEvents(app, t, "invoice.finalized").count == 1)

            try await InvoiceLine.query(on: app.db).filter(\.$invoiceID == blocker).delete()
            try await Invoice.query(on: app.db).filter(\.$id == blocker).delete()
            #expect(try await app.send(.POST, "/api/v1/invoices/\(b)/finalize", token: token).json["number"] as? String == number(2))
            #expect(try await app.send(.POST, "/api/v1/invoices/\(c)/finalize", token: token).json["number"] as? String == number(3))

            // Finalizing twice is refused and takes nothing either.
            let again = try await app.send(.POST, "/api/v1/invoices/\(a)/finalize", token: token)
            #expect(again.status == .conflict && (again.json["detail"] as? String)?.contains("open") == true, "\(again.text)")
            #expect(try await InvoiceSequence.query(on: app.db).filter(\.$facilityID == t.f1.id!).first()?.lastNumber == 3)
        }
    }

    @Test("states move only forward: void from draft or open; paid, refunded and void refuse with 409 naming from and to",
          arguments: TestBackend.enabled)
    func forwardOnly(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "invstate")
            let patient = try await Fixtures.patient(app, t)
            let token = t[.billing].token
            let f1 = t.f1.id!
            let draft = try await InvoiceFixtures.draft(app, token: token, patient: patient, facility: f1)
            let voided = try await app.send(.POST, "/api/v1/invoices/\(draft)/void", token: token)
            #expect(voided.status == .ok && voided.json["status"] as? String == "void" && !(voided.json["voided_at"] is NSNull), "\(voided.text)")

            let open = try await InvoiceFixtures.draft(app, token: token, patient: patient, facility: f1)
            _ = try await app.send(.POST, "/api/v1/invoices/\(open)/finalize", token: token)
            let voidedOpen = try await app.send(.POST, "/api/v1/invoices/\(open)/void", token: token)
            #expect(voidedOpen.status == .ok && voidedOpen.json["status"] as? String == "void")
            #expect(voidedOpen.json["number"] as? String != nil, "a void invoice keeps its number")

            let paid = try await InvoiceFixtures.invoice(app, t, patient: patient, facility: f1, status: .paid, number: "INV-X-1", paid: 5_000)
            let refunded = try await InvoiceFixtures.invoice(app, t, patient: patient, facility: f1, status: .refunded, number: "INV-X-2",
                                                             paid: 5_000)
            let refusals: [(String, String, String, String)] = [
                ("void a paid invoice", paid.uuidString, "void", "paid"),
                ("finalize a paid invoice", paid.uuidString, "finalize", "paid"),
                ("void a refunded invoice", refunded.uuidString, "void", "refunded"),
                ("void a void invoice", draft, "void", "void"),
                ("finalize a void invoice", draft, "finalize", "void"),
                ("finalize a voided open invoice", open, "finalize", "void"),
            ]
            for (name, id, verb, from) in refusals {
                let res = try await app.send(.POST, "/api/v1/invoices/\(id)/\(verb)", token: token)
                #expect(res.status == .conflict && res.isProblem, "\(name): \(res.status) \(res.text)")
                let detail = res.json["detail"] as? String ?? ""
                #expect(detail.contains("from \(from) to \(verb == "void" ? "void" : "open")"), "\(name): \(detail)")
            }
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let stillPaid = try #require(try await scope.find(Invoice.self, paid))
            #expect(stillPaid.status == .paid && stillPaid.voidedAt == nil && stillPaid.amountPaid == 5_000)
            #expect(try await Self.auditEvents(app, t, "invoice.voided").count == 2)
        }
    }

    @Test("reach: another tenant's ids are 404, another facility's 403 (audited); lists keep to the caller's facilities",
          arguments: TestBackend.enabled)
    func reach(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "invreach")
            let other = try await Fixtures.tenant(app, slug: "invelse")
            let patient = try await Fixtures.patient(app, t)
            let atF1 = try await InvoiceFixtures.draft(app, token: t[.billing].token, patient: patient, facility: t.f1.id!)
            let atF2 = try await InvoiceFixtures.draft(app, token: t[.groupAdmin].token, patient: patient, facility: t.f2.id!)

            // Another tenant's billing: every id of this tenant is unknown.
            let foreign = other[.billing].token
            for (method, path) in [(HTTPMethod.GET, "/api/v1/invoices/\(atF1)"), (.POST, "/api/v1/invoices/\(atF1)/finalize"),
                                   (.POST, "/api/v1/invoices/\(atF1)/void")] {
                let res = try await app.send(method, path, token: foreign)
                #expect(res.status == .notFound && res.isProblem, "\(path): \(res.status)")
            }
            let foreignPatient = try await app.send(.POST, "/api/v1/invoices", token: foreign,
                                                    json: InvoiceFixtures.body(patient: patient, facility: other.f1.id!))
            #expect(foreignPatient.status == .notFound, "\(foreignPatient.text)")
            let foreignFacility = try await app.send(.POST, "/api/v1/invoices", token: foreign,
                                                     json: InvoiceFixtures.body(patient: patient, facility: t.f1.id!))
            #expect(foreignFacility.status == .notFound, "\(foreignFacility.text)")
            let foreignList = try await app.send(.GET, "/api/v1/invoices", token: foreign)
            #expect(foreignList.status == .ok && foreignList.items.isEmpty)

            // Billing and the facility admin of f1 on f2: 403, each denial audited.
            let denialsBefore = try await Self.auditEvents(app, t, "access.denied").count
            let f2Calls: [(HTTPMethod, String, String?)] = [
                (.GET, "/api/v1/invoices/\(atF2)", nil), (.POST, "/api/v1/invoices/\(atF2)/finalize", nil),
                (.POST, "/api/v1/invoices/\(atF2)/void", nil),
                (.POST, "/api/v1/invoices", InvoiceFixtures.body(patient: patient, facility: t.f2.id!)),
                (.GET, "/api/v1/invoices?facility_id=\(t.f2.id!)", nil),
            ]
            for (method, path, body) in f2Calls {
                let res = try await app.send(method, path, token: t[.billing].token, json: body)
                #expect(res.status == .forbidden && res.isProblem, "billing \(method) \(path): \(res.status) \(res.text)")
            }
            let adminRead = try await app.send(.GET, "/api/v1/invoices/\(atF2)", token: t[.facilityAdmin].token)
            #expect(adminRead.status == .forbidden)
            #expect(try await Self.auditEvents(app, t, "access.denied").count == denialsBefore + f2Calls.count + 1)
            let f2Untouched = try #require(try await TenantScope(tenantID: t.id, db: app.db).find(Invoice.self, UUID(uuidString: atF2)))
            #expect(f2Untouched.status == .draft)

            // Lists: billing of f1 sees f1's, f2's admin f2's, the group admin both.
            func listed(_ token: String) async throws -> Set<String> {
                let res = try await app.send(.GET, "/api/v1/invoices", token: token)
                #expect(res.status == .ok, "\(res.text)")
                return Set(res.items.compactMap { ($0["id"] as? String)?.lowercased() })
            }
            #expect(try await listed(t[.billing].token) == [atF1.lowercased()])
            #expect(try await listed(t.f2Admin.token) == [atF2.lowercased()])
            #expect(try await listed(t[.groupAdmin].token) == [atF1.lowercased(), atF2.lowercased()])
            // Roles without invoice.read at all.
            for role in [Role.doctor, .nurse, .receptionist] {
                let res = try await app.send(.GET, "/api/v1/invoices", token: t[role].token)
                #expect(res.status == .forbidden, "\(role): \(res.status)")
            }
        }
    }

    @Test("a patient reads and lists only their own invoices, and creates none", arguments: TestBackend.enabled)
    func patientSeesOwn(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "invself")
            let own = try await Fixtures.patient(app, t)
            let stranger = try await Fixtures.patient(app, t, given: "Stranger")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let strangerRecord = try #require(try await scope.find(Patient.self, stranger))
            strangerRecord.userID = nil
            try await scope.update(strangerRecord)
            let mine = try await InvoiceFixtures.draft(app, token: t[.billing].token, patient: own, facility: t.f1.id!)
            let mineAtF2 = try await InvoiceFixtures.draft(app, token: t[.groupAdmin].token, patient: own, facility: t.f2.id!)
            let theirs = try await InvoiceFixtures.draft(app, token: t[.billing].token, patient: stranger, facility: t.f1.id!)
            let token = t[.patient].token

            let list = try await app.send(.GET, "/api/v1/invoices", token: token)
            #expect(list.status == .ok)
            #expect(Set(list.items.compactMap { ($0["id"] as? String)?.lowercased() }) == [mine.lowercased(), mineAtF2.lowercased()])
            let asking = try await app.send(.GET, "/api/v1/invoices?patient_id=\(stranger)", token: token)
            #expect(asking.status == .ok && asking.items.isEmpty)
            #expect(try await app.send(.GET, "/api/v1/invoices/\(mineAtF2)", token: token).status == .ok)
            let other = try await app.send(.GET, "/api/v1/invoices/\(theirs)", token: token)
            #expect(other.status == .forbidden && other.isProblem)
            let create = try await app.send(.POST, "/api/v1/invoices", token: token, json: InvoiceFixtures.body(patient: own, facility: t.f1.id!))
            #expect(create.status == .forbidden)
            #expect(try await app.send(.POST, "/api/v1/invoices/\(mine)/finalize", token: token).status == .forbidden)
        }
    }

    @Test("list filters (patient, facility, status, created_at range) and cursor pages", arguments: TestBackend.enabled)
    func listFilters(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "invlist")
            let p1 = try await Fixtures.patient(app, t)
            let p2 = try await Fixtures.patient(app, t, given: "Second")
            let token = t[.groupAdmin].token
            let before = Date().addingTimeInterval(-1)
            var ids: [String] = []
            for (patient, facility) in [(p1, t.f1.id!), (p2, t.f1.id!), (p1, t.f2.id!), (p2, t.f2.id!), (p1, t.f1.id!)] {
                ids.append(try await InvoiceFixtures.draft(app, token: token, patient: patient, facility: facility).lowercased())
            }
            _ = try await app.send(.POST, "/api/v1/invoices/\(ids[0])/finalize", token: token)
            _ = try await app.send(.POST, "/api/v1/invoices/\(ids[3])/void", token: token)
            func listed(_ query: String) async throws -> [String] {
                let res = try await app.send(.GET, "/api/v1/invoices?\(query)", token: token)
                #expect(res.status == .ok, "\(query): \(res.text)")
                return res.items.compactMap { ($0["id"] as? String)?.lowercased() }
            }
            #expect(try await listed("") == ids.reversed(), "newest first")
            #expect(try await listed("patient_id=\(p1)") == [ids[4], ids[2], ids[0]])
            #expect(try await listed("facility_id=\(t.f2.id!)") == [ids[3], ids[2]])
            #expect(try await listed("status=open") == [ids[0]])
            #expect(try await listed("status=void") == [ids[3]])
            #expect(try await listed("status=draft&facility_id=\(t.f1.id!)") == [ids[4], ids[1]])
            let from = ISO8601DateFormatter().string(from: before)
            let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3_600))
            #expect(try await listed("from=\(from)").count == 5)
            #expect(try await listed("from=\(future)").isEmpty)
            #expect(try await listed("to=\(from)").isEmpty)

            let first = try await app.send(.GET, "/api/v1/invoices?limit=2", token: token)
            #expect(first.items.compactMap { ($0["id"] as? String)?.lowercased() } == [ids[4], ids[3]])
            let cursor = try #require(first.json["next_cursor"] as? String)
            let second = try await app.send(.GET, "/api/v1/invoices?limit=2&cursor=\(cursor)", token: token)
            #expect(second.items.compactMap { ($0["id"] as? String)?.lowercased() } == [ids[2], ids[1]])

            for bad in ["status=paidish", "from=yesterday", "patient_id=x", "from=\(future)&to=\(from)"] {
                let res = try await app.send(.GET, "/api/v1/invoices?\(bad)", token: token)
                #expect(res.status == .unprocessableEntity && res.isProblem, "\(bad): \(res.status)")
            }
        }
    }
}
