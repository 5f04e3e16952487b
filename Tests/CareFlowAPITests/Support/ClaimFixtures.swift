@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Invoices and claims for the claim tests. Invoices are inserted as rows, in the state the
/// invoice service would leave them (that service is another part of issue 14).
enum ClaimFixtures {
    static let policyNumber = "POL-7731-XQ-CLAIMFIX"

    static func invoice(_ app: Application, _ t: TestTenant, patientID: UUID, facilityID: UUID? = nil, status: Invoice.Status = .open,
                        total: Int = 100_000, currency: String = "rwf") async throws -> UUID {
        let invoice = Invoice()
        invoice.id = UUID()
        invoice.facilityID = facilityID ?? t.f1.id!
        invoice.patientID = patientID
        invoice.number = status == .draft ? nil : "INV-T-2026-\(UUID().uuidString.prefix(8))"
        invoice.status = status
        invoice.currency = currency
        invoice.subtotal = total
        invoice.tax = 0
        invoice.total = total
        invoice.amountPaid = [.paid, .partiallyRefunded, .refunded].contains(status) ? total : 0
        invoice.amountRefunded = status == .refunded ? total : status == .partiallyRefunded ? total / 2 : 0
        invoice.issuedAt = status == .draft ? nil : Date()
        invoice.createdAt = Date()
        try await TenantScope(tenantID: t.id, db: app.db).create(invoice)
        return invoice.id!
    }

    static func body(invoice: UUID, amount: Int, payer: String = "RSSB", policy: String = policyNumber) -> String {
        jsonBody(["invoice_id": invoice.uuidString, "payer": payer, "policy_number": policy, "amount": amount])
    }

    /// Files a claim over HTTP as `user` and returns its id.
    static func submit(_ app: Application, _ user: TestUser, invoice: UUID, amount: Int) async throws -> String {
        let res = try await app.send(.POST, "/api/v1/claims", token: user.token, json: body(invoice: invoice, amount: amount))
        #expect(res.status == .created, "\(res.text)")
        return try #require(res.json["id"] as? String)
    }

    @discardableResult
    static func move(_ app: Application, _ user: TestUser, _ claim: String, to: String, note: String? = nil) async throws -> TestingHTTPResponse {
        var body: [String: Any] = ["to": to]
        if let note { body["note"] = note }
        return try await app.send(.POST, "/api/v1/claims/\(claim)/transition", token: user.token, json: jsonBody(body))
    }

    /// A claim filed through the service by the tenant's operator (group-admin powers).
    static func serviceClaim(_ app: Application, _ t: TestTenant, invoice: UUID, amount: Int = 1_000) async throws -> UUID {
        let context = RequestContext(scope: TenantScope(tenantID: t.id, db: app.db), principal: .system(tenantID: t.id), origin: .none)
        let view = try await app.services.claims.submit(
            ClaimSubmission(invoiceID: invoice, payer: "RSSB", policyNumber: policyNumber, amount: amount), in: context)
        return view.claim.id!
    }

    /// A patient of `t` at f1 with no account: nobody reads it as `self`.
    static func unlinkedPatient(_ app: Application, _ t: TestTenant, given: String) async throws -> UUID {
        let id = try await Fixtures.patient(app, t, given: given)
        let scope = TenantScope(tenantID: t.id, db: app.db)
        let patient = try await scope.require(Patient.self, id, name: "Patient")
        patient.userID = nil
        try await scope.update(patient)
        return id
    }

    /// Gives the user a display name, as a profile update would.
    static func name(_ app: Application, _ t: TestTenant, _ user: TestUser, _ name: String) async throws {
        let scope = TenantScope(tenantID: t.id, db: app.db)
        let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
        let row = try await scope.require(User.self, user.id, name: "User")
        row.displayNameSealed = try cipher.seal(name)
        try await scope.update(row)
    }

    static func count<M: TenantOwned>(_ app: Application, _ type: M.Type) async throws -> Int {
        try await M.query(on: app.db).count()
    }

    /// `claim.*` audit events, oldest first: action and details.
    static func claimEvents(_ app: Application) async throws -> [(action: String, details: [String: String], raw: String)] {
        try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["claim.submitted", "claim.transitioned", "claim.read"])
            .sort(\.$seq).all().map { event in
                (event.action, (try? JSONSerialization.jsonObject(with: Data(event.details.utf8)) as? [String: String]) ?? [:], event.details)
            }
    }

    static func fieldNames(_ res: TestingHTTPResponse) -> Set<String> {
        Set((res.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
    }
}
