@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Logging
import SQLKit
import Testing
import VaporTesting

@Suite("Insurance claims")
struct ClaimTests {
    typealias F = ClaimFixtures

    /// The edges of issue 14, written here from the issue rather than read from the code.
    static let edges: Set<String> = ["submitted>in_review", "in_review>approved", "in_review>denied", "approved>paid"]
    static let states = ["submitted", "in_review", "approved", "denied", "paid"]

    @Test("full lifecycle submitted → in_review → approved → paid, history entry by entry, audited without secrets; the invoice untouched",
          arguments: TestBackend.enabled)
    func lifecycle(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "claims")
            let patient = try await Fixtures.patient(app, t)
            let invoice = try await F.invoice(app, t, patientID: patient, status: .paid, total: 80_000, currency: "rwf")
            try await F.name(app, t, t[.billing], "Bea Billing")
            try await F.name(app, t, t[.groupAdmin], "Gil Admin")
            let billing = t[.billing], admin = t[.groupAdmin]

            let created = try await app.send(.POST, "/api/v1/claims", token: billing.token,
                                             json: F.body(invoice: invoice, amount: 80_000, payer: "  RSSB Mutuelle "))
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["status"] as? String == "submitted")
            #expect(created.json["payer"] as? String == "RSSB Mutuelle")
            #expect(created.json["policy_number"] as? String == F.policyNumber)
            #expect(created.json["amount"] as? Int == 80_000)
            #expect(created.json["currency"] as? String == "rwf")
            #expect(created.json["invoice_id"] as? String == invoice.uuidString)
            #expect(created.json["facility_id"] as? String == t.f1.id!.uuidString)
            #expect(created.json["patient_id"] as? String == patient.uuidString)
            let id = try #require(created.json["id"] as? String)

            let notes = ["Sent to the payer portal", "Approved by RSSB, ref A-17", "Remittance 2026-11-30"]
            #expect(try await F.move(app, billing, id, to: "in_review", note: notes[0]).status == .ok)
            #expect(try await F.move(app, admin, id, to: "approved", note: notes[1]).status == .ok)
            let paid = try await F.move(app, billing, id, to: "paid", note: notes[2])
            #expect(paid.status == .ok, "\(paid.text)")
            #expect(paid.json["status"] as? String == "paid")
            #expect(paid.json["denial_reason"] is NSNull)

            let read = try await app.send(.GET, "/api/v1/claims/\(id)", token: billing.token)
            #expect(read.status == .ok)
            let history = try #require(read.json["history"] as? [[String: Any]])
            let expected: [(from: String?, to: String, actor: TestUser, name: String?, note: String?)] = [
                (nil, "submitted", billing, "Bea Billing", nil),
                ("submitted", "in_review", billing, "Bea Billing", notes[0]),
                ("in_review", "approved", admin, "Gil Admin", notes[1]),
                ("approved", "paid", billing, "Bea Billing", notes[2]),
            ]
            #expect(history.count == expected.count)
            for (entry, want) in zip(history, expected) {
                #expect((entry["from"] as? String) == want.from, "\(entry)")
                #expect(want.from != nil || entry["from"] is NSNull)
                #expect(entry["to"] as? String == want.to)
                #expect((entry["actor_id"] as? String)?.lowercased() == want.actor.id.uuidString.lowercased())
                #expect((entry["actor_display_name"] as? String) == want.name, "\(entry)")
                #expect((entry["note"] as? String) == want.note)
                #expect(entry["at"] is String)
            }
            let times = history.compactMap { $0["at"] as? String }
            #expect(times == times.sorted(), "oldest first: \(times)")

            // The patient reads the claim of their own invoice, with its history.
            let mine = try await app.send(.GET, "/api/v1/claims/\(id)", token: t[.patient].token)
            #expect(mine.status == .ok)
            #expect((mine.json["history"] as? [[String: Any]])?.count == 4)

            // Audit: one submission, three moves naming from and to, two reads; never the policy number or a note.
            let events = try await F.claimEvents(app)
            #expect(events.map(\.action) == ["claim.submitted", "claim.transitioned", "claim.transitioned", "claim.transitioned",
                                             "claim.read", "claim.read"])
            #expect(events.filter { $0.action == "claim.transitioned" }.map { "\($0.details["from"] ?? "")>\($0.details["to"] ?? "")" }
                    == ["submitted>in_review", "in_review>approved", "approved>paid"])
            let allDetails = try await AuditEvent.query(on: app.db).all().map(\.details).joined(separator: "\n")
            #expect(!allDetails.contains(F.policyNumber))
            for note in notes { #expect(!allDetails.contains(note)) }

            // This part does not settle the invoice when its claim is paid.
            let row = try await TenantScope(tenantID: t.id, db: app.db).require(Invoice.self, invoice, name: "Invoice")
            #expect(row.status == .paid && row.amountPaid == 80_000 && row.amountRefunded == 0)
        }
    }

    @Test("the policy number and notes are ciphertext at rest, never in the log (at trace level), and open back through the API", arguments: TestBackend.enabled)
    func sealedAtRest(backend: TestBackend) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("careflow-claims-\(UUID().uuidString).log").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        defer {
            close(fd)
            unlink(path)
        }
        let sink = LogSink(fileDescriptor: fd)
        defer { sink.close() }
        try await withCareFlow(backend) { app in
            app.logger = Logger(label: "careflow.test") { JSONLogHandler(label: $0, level: .trace, sink: sink) }
            let t = try await Fixtures.tenant(app, slug: "claims-seal")
            let invoice = try await F.invoice(app, t, patientID: try await Fixtures.patient(app, t))
            let id = try await F.submit(app, t[.billing], invoice: invoice, amount: 1_000)
            try await F.move(app, t[.billing], id, to: "in_review", note: "zqx review note")
            try await F.move(app, t[.billing], id, to: "denied", note: "zqx denial reason")
            let sql = app.db as! any SQLDatabase
            let claim = try #require(try await sql.raw("SELECT policy_number_sealed, denial_reason FROM claims").first())
            let policy = try claim.decode(column: "policy_number_sealed", as: String.self)
            let reason = try claim.decode(column: "denial_reason", as: String.self)
            #expect(policy.hasPrefix("gAAAAA") && !policy.contains("POL-7731"))
            #expect(reason.hasPrefix("gAAAAA") && !reason.contains("zqx"))
            let notes = try await sql.raw("SELECT note_sealed FROM claim_transitions WHERE note_sealed IS NOT NULL").all()
                .map { try $0.decode(column: "note_sealed", as: String.self) }
            #expect(notes.count == 2 && notes.allSatisfy { $0.hasPrefix("gAAAAA") && !$0.contains("zqx") })
            let read = try await app.send(.GET, "/api/v1/claims/\(id)", token: t[.facilityAdmin].token)
            #expect(read.json["policy_number"] as? String == F.policyNumber)
            #expect(read.json["denial_reason"] as? String == "zqx denial reason")
            // A refused move and a refused body log nothing of what they carried either.
            #expect(try await F.move(app, t[.billing], id, to: "paid", note: "zqx late note").status == .conflict)
            let tooLong = try await app.send(.POST, "/api/v1/claims", token: t[.billing].token,
                                             json: F.body(invoice: invoice, amount: 1, policy: "POL-7731-" + String(repeating: "9", count: 70)))
            #expect(tooLong.status == .unprocessableEntity && !tooLong.text.contains("POL-7731"))
        }
        // Shut down: every line is written. None holds the policy number or a note.
        let log = try String(contentsOfFile: path, encoding: .utf8)
        #expect(log.contains("/api/v1/claims"), "the requests were logged")
        let leaks = log.split(separator: "\n").filter { $0.contains("POL-7731") || $0.contains("zqx") }
        #expect(leaks.isEmpty, "\(leaks)")
    }

    @Test("denial needs a reason: 422 naming note and nothing written; with one, it is the denial reason and frees the amount",
          arguments: TestBackend.enabled)
    func denial(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "claims-deny")
            let invoice = try await F.invoice(app, t, patientID: try await Fixtures.patient(app, t), total: 50_000)
            let id = try await F.submit(app, t[.billing], invoice: invoice, amount: 50_000)
            #expect(try await F.move(app, t[.billing], id, to: "in_review").status == .ok)
            let transitionsBefore = try await F.count(app, ClaimTransition.self)
            let eventsBefore = try await F.claimEvents(app).count

            for body in [jsonBody(["to": "denied"]), jsonBody(["to": "denied", "note": "   "])] {
                let res = try await app.send(.POST, "/api/v1/claims/\(id)/transition", token: t[.billing].token, json: body)
                #expect(res.status == .unprocessableEntity, "\(res.text)")
                #expect(res.isProblem && F.fieldNames(res) == ["note"], "\(res.text)")
            }
            #expect(try await F.count(app, ClaimTransition.self) == transitionsBefore)
            #expect(try await F.claimEvents(app).count == eventsBefore)
            #expect(try await app.send(.GET, "/api/v1/claims/\(id)", token: t[.billing].token).json["status"] as? String == "in_review")

            // Another claim of the same invoice is refused while this one holds the whole total.
            let blocked = try await app.send(.POST, "/api/v1/claims", token: t[.billing].token, json: F.body(invoice: invoice, amount: 1))
            #expect(blocked.status == .conflict && blocked.isProblem)

            let denied = try await F.move(app, t[.billing], id, to: "denied", note: "Procedure not covered by the plan")
            #expect(denied.status == .ok, "\(denied.text)")
            #expect(denied.json["status"] as? String == "denied")
            #expect(denied.json["denial_reason"] as? String == "Procedure not covered by the plan")
            let last = try #require((denied.json["history"] as? [[String: Any]])?.last)
            #expect(last["from"] as? String == "in_review" && last["to"] as? String == "denied")
            #expect(last["note"] as? String == "Procedure not covered by the plan")
            #expect(try await F.count(app, ClaimTransition.self) == transitionsBefore + 1)

            // Denied, the claim no longer counts against the invoice: the whole total can be claimed again.
            let again = try await app.send(.POST, "/api/v1/claims", token: t[.billing].token, json: F.body(invoice: invoice, amount: 50_000))
            #expect(again.status == .created, "\(again.text)")
        }
    }

    @Test("every move off the issue's edges is a 409 naming from and to, and writes nothing", arguments: TestBackend.enabled)
    func refusedEdges(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "claims-edges")
            let invoice = try await F.invoice(app, t, patientID: try await Fixtures.patient(app, t))
            // One claim in each state, reached along the allowed edges.
            let paths: [String: [String]] = [
                "submitted": [], "in_review": ["in_review"], "approved": ["in_review", "approved"],
                "denied": ["in_review", "denied"], "paid": ["in_review", "approved", "paid"],
            ]
            var claims: [String: String] = [:]
            for state in Self.states {
                let id = try await F.submit(app, t[.billing], invoice: invoice, amount: 100)
                for step in paths[state]! {
                    #expect(try await F.move(app, t[.billing], id, to: step, note: "reason").status == .ok)
                }
                claims[state] = id
            }
            var refused = 0
            for from in Self.states {
                for to in Self.states where !Self.edges.contains("\(from)>\(to)") {
                    let id = claims[from]!
                    let transitions = try await F.count(app, ClaimTransition.self)
                    let events = try await F.claimEvents(app).count
                    let res = try await F.move(app, t[.billing], id, to: to, note: "a reason")
                    #expect(res.status == .conflict, "\(from) → \(to): \(res.status) \(res.text)")
                    #expect(res.isProblem)
                    let detail = res.json["detail"] as? String ?? ""
                    #expect(detail.contains(from) && detail.contains(to), "\(from) → \(to): \(detail)")
                    #expect(try await F.count(app, ClaimTransition.self) == transitions, "\(from) → \(to) wrote a transition")
                    #expect(try await F.claimEvents(app).count == events)
                    let status = try await TenantScope(tenantID: t.id, db: app.db).require(Claim.self, UUID(uuidString: id), name: "Claim")
                        .status.rawValue
                    #expect(status == from)
                    refused += 1
                }
            }
            #expect(refused == 25 - 4)
        }
    }

    @Test("validation names each bad field; draft, void and refunded invoices cannot be claimed; over-claiming refused",
          arguments: TestBackend.enabled)
    func validation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "claims-valid")
            let patient = try await Fixtures.patient(app, t)
            let invoice = try await F.invoice(app, t, patientID: patient, total: 10_000).uuidString
            let token = t[.billing].token
            let good: [String: Any] = ["invoice_id": invoice, "payer": "RSSB", "policy_number": "P-1", "amount": 500]
            let cases: [(String, Any?)] = [
                ("invoice_id", nil), ("invoice_id", "not-a-uuid"), ("invoice_id", 12),
                ("payer", nil), ("payer", ""), ("payer", "   "), ("payer", String(repeating: "p", count: 201)), ("payer", 5),
                ("policy_number", nil), ("policy_number", ""), ("policy_number", String(repeating: "9", count: 65)),
                ("amount", nil), ("amount", 0), ("amount", -5), ("amount", 12.5), ("amount", "500"),
                ("amount", 10_001),
            ]
            for (field, value) in cases {
                var body = good
                body[field] = value
                let res = try await app.send(.POST, "/api/v1/claims", token: token, json: jsonBody(body))
                #expect(res.status == .unprocessableEntity, "\(field)=\(String(describing: value)): \(res.status) \(res.text)")
                #expect(res.isProblem && F.fieldNames(res) == [field], "\(field): \(res.text)")
            }
            // Bounds that are allowed: 200 and 64 characters, the whole total.
            var edge = good
            edge["payer"] = String(repeating: "p", count: 200)
            edge["policy_number"] = String(repeating: "9", count: 64)
            edge["amount"] = 10_000
            #expect(try await app.send(.POST, "/api/v1/claims", token: token, json: jsonBody(edge)).status == .created)

            // Transition bodies.
            let id = try await F.submit(app, t[.billing], invoice: try await F.invoice(app, t, patientID: patient), amount: 1)
            for (body, field) in [(jsonBody([:]), "to"), (jsonBody(["to": "closed"]), "to"), (jsonBody(["to": 3]), "to"),
                                  (jsonBody(["to": "in_review", "note": String(repeating: "n", count: 2001)]), "note"),
                                  (jsonBody(["to": "in_review", "extra": 1]), "extra")] {
                let res = try await app.send(.POST, "/api/v1/claims/\(id)/transition", token: token, json: body)
                #expect(res.status == .unprocessableEntity && F.fieldNames(res) == [field], "\(body): \(res.text)")
            }
            #expect(try await app.send(.GET, "/api/v1/claims?status=closed", token: token).status == .unprocessableEntity)
            #expect(try await app.send(.GET, "/api/v1/claims/not-a-uuid", token: token).status != .ok)

            // Only issued invoices: draft, void and refunded answer 409 and nothing is written.
            let claimsBefore = try await F.count(app, Claim.self)
            for status in [Invoice.Status.draft, .void, .refunded] {
                let other = try await F.invoice(app, t, patientID: patient, status: status, total: 10_000)
                let res = try await app.send(.POST, "/api/v1/claims", token: token, json: F.body(invoice: other, amount: 100))
                #expect(res.status == .conflict && res.isProblem, "\(status): \(res.status) \(res.text)")
            }
            for status in [Invoice.Status.paid, .partiallyRefunded] {
                let other = try await F.invoice(app, t, patientID: patient, status: status, total: 10_000)
                #expect(try await app.send(.POST, "/api/v1/claims", token: token, json: F.body(invoice: other, amount: 100)).status == .created)
            }
            #expect(try await F.count(app, Claim.self) == claimsBefore + 2)

            // Over-claiming: 6,000 + 4,000 of 10,000 fit; one minor unit more does not.
            let split = try await F.invoice(app, t, patientID: patient, total: 10_000)
            #expect(try await app.send(.POST, "/api/v1/claims", token: token, json: F.body(invoice: split, amount: 6_000)).status == .created)
            let over = try await app.send(.POST, "/api/v1/claims", token: token, json: F.body(invoice: split, amount: 4_001))
            #expect(over.status == .conflict && over.isProblem, "\(over.text)")
            #expect(try await app.send(.POST, "/api/v1/claims", token: token, json: F.body(invoice: split, amount: 4_000)).status == .created)
            #expect(try await app.send(.POST, "/api/v1/claims", token: token, json: F.body(invoice: split, amount: 1)).status == .conflict)
            let held = try await Claim.query(on: app.db).filter(\.$invoiceID == split).all().map(\.amount).reduce(0, +)
            #expect(held == 10_000)
        }
    }

    @Test("two concurrent moves from one state: exactly one wins; concurrent claims never exceed the invoice",
          arguments: TestBackend.enabled)
    func concurrency(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "claims-race")
            let patient = try await Fixtures.patient(app, t)
            let invoice = try await F.invoice(app, t, patientID: patient, total: 10_000)
            let id = try await F.submit(app, t[.billing], invoice: invoice, amount: 1_000)
            #expect(try await F.move(app, t[.billing], id, to: "in_review").status == .ok)
            let results = try await withThrowingTaskGroup(of: (HTTPStatus, Bool).self) { group in
                for i in 0..<10 {
                    let user = i % 2 == 0 ? t[.billing] : t[.groupAdmin]
                    let to = i % 2 == 0 ? "approved" : "denied"
                    group.addTask {
                        let res = try await F.move(app, user, id, to: to, note: "decision \(i)")
                        return (res.status, res.isProblem)
                    }
                }
                var all: [(HTTPStatus, Bool)] = []
                for try await r in group { all.append(r) }
                return all
            }
            #expect(results.filter { $0.0 == .ok }.count == 1, "\(results.map(\.0.code))")
            #expect(results.filter { $0.0 == .conflict && $0.1 }.count == 9, "\(results.map(\.0.code))")
            let transitions = try await ClaimTransition.query(on: app.db).filter(\.$claimID == UUID(uuidString: id)!).count()
            #expect(transitions == 3)
            #expect(try await F.claimEvents(app).filter { $0.action == "claim.transitioned" }.count == 2)

            // Ten concurrent claims of 3,000 against the 9,000 left: exactly three fit.
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await app.send(.POST, "/api/v1/claims", token: t[.billing].token, json: F.body(invoice: invoice, amount: 3_000))
                            .status.code
                    }
                }
                var all: [UInt] = []
                for try await s in group { all.append(s) }
                return all
            }
            #expect(statuses.filter { $0 == 201 }.count == 3, "\(statuses)")
            #expect(statuses.filter { $0 == 409 }.count == 7, "\(statuses)")
            let held = try await Claim.query(on: app.db).filter(\.$invoiceID == invoice).filter(\.$status != .denied).all()
                .map(\.amount).reduce(0, +)
            #expect(held <= 10_000)
            #expect(try await AuditChainVerifier().verify(on: app.db).ok)
        }
    }

    @Test("another tenant's ids are 404, another facility's 403 (audited); lists show only what the caller may see",
          arguments: TestBackend.enabled)
    func isolation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "claims-iso")
            let other = try await Fixtures.tenant(app, slug: "claims-iso-b")
            let patient = try await Fixtures.patient(app, t)
            let stranger = try await F.unlinkedPatient(app, t, given: "Stranger")
            let f1Invoice = try await F.invoice(app, t, patientID: patient)
            let f2Invoice = try await F.invoice(app, t, patientID: stranger, facilityID: t.f2.id!)
            let foreignInvoice = try await F.invoice(app, other, patientID: try await Fixtures.patient(app, other))
            let f1Claim = try await F.submit(app, t[.billing], invoice: f1Invoice, amount: 100)
            let f2Claim = try await F.submit(app, t[.groupAdmin], invoice: f2Invoice, amount: 200)
            let foreignClaim = try await F.submit(app, other[.billing], invoice: foreignInvoice, amount: 300)

            // Another tenant: not found, whatever the route.
            let billing = t[.billing]
            #expect(try await app.send(.POST, "/api/v1/claims", token: billing.token, json: F.body(invoice: foreignInvoice, amount: 1)).status
                    == .notFound)
            #expect(try await app.send(.GET, "/api/v1/claims/\(foreignClaim)", token: billing.token).status == .notFound)
            #expect(try await F.move(app, billing, foreignClaim, to: "in_review").status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/claims/\(foreignClaim)", token: t[.groupAdmin].token).status == .notFound)

            // Another facility: forbidden, and each denial audited.
            let denials = try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied").count()
            let f2Attempts = [
                try await app.send(.POST, "/api/v1/claims", token: billing.token, json: F.body(invoice: f2Invoice, amount: 1)),
                try await app.send(.GET, "/api/v1/claims/\(f2Claim)", token: billing.token),
                try await F.move(app, billing, f2Claim, to: "in_review"),
                try await app.send(.GET, "/api/v1/claims/\(f2Claim)", token: t[.facilityAdmin].token),
                try await app.send(.GET, "/api/v1/claims/\(f2Claim)", token: t[.patient].token),
            ]
            for res in f2Attempts { #expect(res.status == .forbidden && res.isProblem, "\(res.status) \(res.text)") }
            #expect(try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied").count() == denials + f2Attempts.count)
            #expect(try await app.send(.GET, "/api/v1/claims/\(f2Claim)", token: t.f2Admin.token).status == .ok)
            #expect(try await TenantScope(tenantID: t.id, db: app.db).require(Claim.self, UUID(uuidString: f2Claim), name: "Claim").status
                    == .submitted)

            // Lists.
            func ids(_ user: TestUser, _ query: String = "") async throws -> Set<String> {
                let res = try await app.send(.GET, "/api/v1/claims\(query)", token: user.token)
                #expect(res.status == .ok, "\(res.text)")
                return Set(res.items.compactMap { $0["id"] as? String })
            }
            #expect(try await ids(t[.groupAdmin]) == [f1Claim, f2Claim])
            #expect(try await ids(billing) == [f1Claim])
            #expect(try await ids(billing, "?facility_id=\(t.f2.id!)") == [])
            #expect(try await ids(t.f2Admin) == [f2Claim])
            #expect(try await ids(t[.patient]) == [f1Claim])
            #expect(try await ids(other[.groupAdmin]) == [foreignClaim])
            #expect(try await ids(t[.groupAdmin], "?invoice_id=\(foreignInvoice)") == [])
            for role in [Role.doctor, .nurse, .receptionist] {
                #expect(try await app.send(.GET, "/api/v1/claims", token: t[role].token).status == .forbidden)
            }
        }
    }

    @Test("the list filters by invoice, facility and status and pages newest first", arguments: TestBackend.enabled)
    func list(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "claims-list")
            let patient = try await Fixtures.patient(app, t)
            let a = try await F.invoice(app, t, patientID: patient)
            let b = try await F.invoice(app, t, patientID: patient, facilityID: t.f2.id!)
            var filed: [String] = []
            for invoice in [a, a, b, a, b] { filed.append(try await F.submit(app, t[.groupAdmin], invoice: invoice, amount: 100)) }
            try await F.move(app, t[.groupAdmin], filed[1], to: "in_review")
            try await F.move(app, t[.groupAdmin], filed[4], to: "in_review")
            let admin = t[.groupAdmin].token

            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await app.send(.GET, "/api/v1/claims?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: admin)
                #expect(page.status == .ok)
                #expect(page.items.count <= 2)
                #expect(page.items.allSatisfy { $0["history"] == nil }, "lists carry no history")
                seen += page.items.compactMap { $0["id"] as? String }
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil
            #expect(seen == filed.reversed(), "newest first over pages")

            func ids(_ query: String) async throws -> [String] {
                try await app.send(.GET, "/api/v1/claims?\(query)", token: admin).items.compactMap { $0["id"] as? String }
            }
            #expect(try await ids("invoice_id=\(a)") == [filed[3], filed[1], filed[0]])
            #expect(try await ids("facility_id=\(t.f2.id!)") == [filed[4], filed[2]])
            #expect(try await ids("status=in_review") == [filed[4], filed[1]])
            #expect(try await ids("status=in_review&facility_id=\(t.f1.id!)") == [filed[1]])
            #expect(try await ids("status=paid") == [])
            let listed = try await app.send(.GET, "/api/v1/claims?invoice_id=\(a)", token: t[.billing].token)
            #expect(listed.items.first?["policy_number"] as? String == F.policyNumber)
            #expect(try await F.claimEvents(app).contains { $0.action == "claim.read" && $0.details["what"] == "claim_list" })
        }
    }
}
