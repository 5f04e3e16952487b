@testable import CareFlowAPI
@testable import CareFlowCore
import Foundation
import VaporTesting

/// Invoices written straight through the Fluent models, as another part of billing (payments,
/// webhooks) would leave them, and request bodies for the API.
enum InvoiceFixtures {
    /// An invoice of `patient` at `facility` in any state, with one sealed line of 1 × 5 000.
    static func invoice(_ app: Application, _ t: TestTenant, patient: UUID, facility: UUID, status: Invoice.Status = .draft,
                        number: String? = nil, paid: Int = 0) async throws -> UUID {
        let scope = TenantScope(tenantID: t.id, db: app.db)
        let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
        let invoice = Invoice()
        invoice.id = TimeOrderedID.make()
        invoice.facilityID = facility
        invoice.patientID = patient
        invoice.status = status
        invoice.number = number
        invoice.currency = "usd"
        invoice.subtotal = 5_000
        invoice.tax = 0
        invoice.total = 5_000
        invoice.amountPaid = paid
        invoice.amountRefunded = 0
        invoice.issuedAt = status == .draft ? nil : Date()
        invoice.paidAt = paid > 0 ? Date() : nil
        invoice.createdAt = Date()
        try await scope.create(invoice)
        let line = InvoiceLine()
        line.invoiceID = invoice.id!
        line.position = 0
        line.descriptionSealed = try cipher.seal("Ward day")
        line.quantity = 1
        line.unitAmount = 5_000
        line.taxRateBps = 0
        line.amount = 5_000
        line.tax = 0
        try await scope.create(line)
        return invoice.id!
    }

    static func body(patient: UUID, facility: UUID, lines: [[String: Any]] = [["description": "Consultation", "quantity": 1, "unit_amount": 5_000]],
                     extra: [String: Any] = [:]) -> String {
        var object: [String: Any] = ["patient_id": patient.uuidString, "facility_id": facility.uuidString, "lines": lines]
        object.merge(extra) { _, new in new }
        return jsonBody(object)
    }

    /// Creates a draft through the API and returns its id.
    static func draft(_ app: Application, token: String, patient: UUID, facility: UUID) async throws -> String {
        let res = try await app.send(.POST, "/api/v1/invoices", token: token, json: body(patient: patient, facility: facility))
        guard res.status == .created, let id = res.json["id"] as? String else {
            throw FixtureFailure(message: "draft invoice: \(res.status) \(res.text)")
        }
        return id
    }

    struct FixtureFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
