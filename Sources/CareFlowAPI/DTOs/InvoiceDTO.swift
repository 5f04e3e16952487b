import CareFlowCore
import Vapor

/// An invoice with its lines (descriptions opened) and the totals the server computed. Amounts
/// are integers in the currency's minor unit; `number` and `issued_at` are null on a draft.
struct InvoiceDTO: Content {
    let id: UUID
    let number: String?
    let status: String
    let patientID: UUID
    let facilityID: UUID
    let currency: String
    let lines: [Line]
    let subtotal: Int
    let tax: Int
    let total: Int
    let amountPaid: Int
    let amountRefunded: Int
    let appointmentID: UUID?
    let admissionID: UUID?
    let createdBy: UUID?
    let createdAt: Date
    let issuedAt: Date?
    let paidAt: Date?
    let voidedAt: Date?
    let updatedAt: Date?

    /// `amount = quantity × unit_amount`; `tax` on it at `tax_rate_bps`, rounded half up.
    struct Line: Content, SchemaAnnotated {
        let description: String
        let quantity: Int
        let unitAmount: Int
        let taxRateBps: Int
        let amount: Int
        let tax: Int

        enum CodingKeys: String, CodingKey {
            case description, quantity, amount, tax
            case unitAmount = "unit_amount"
            case taxRateBps = "tax_rate_bps"
        }

        static var schemaNotes: [String: SchemaNote] {
            ["tax_rate_bps": .description("hundredths of a percent: 1800 = 18 %")]
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, number, status, currency, lines, subtotal, tax, total
        case patientID = "patient_id"
        case facilityID = "facility_id"
        case amountPaid = "amount_paid"
        case amountRefunded = "amount_refunded"
        case appointmentID = "appointment_id"
        case admissionID = "admission_id"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case issuedAt = "issued_at"
        case paidAt = "paid_at"
        case voidedAt = "voided_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(number, forKey: .number)
        try c.encode(status, forKey: .status)
        try c.encode(patientID, forKey: .patientID)
        try c.encode(facilityID, forKey: .facilityID)
        try c.encode(currency, forKey: .currency)
        try c.encode(lines, forKey: .lines)
        try c.encode(subtotal, forKey: .subtotal)
        try c.encode(tax, forKey: .tax)
        try c.encode(total, forKey: .total)
        try c.encode(amountPaid, forKey: .amountPaid)
        try c.encode(amountRefunded, forKey: .amountRefunded)
        try c.encode(appointmentID, forKey: .appointmentID)
        try c.encode(admissionID, forKey: .admissionID)
        try c.encode(createdBy, forKey: .createdBy)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(issuedAt, forKey: .issuedAt)
        try c.encode(paidAt, forKey: .paidAt)
        try c.encode(voidedAt, forKey: .voidedAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

extension InvoiceDTO {
    init(_ view: InvoiceService.View) {
        let i = view.invoice
        id = i.id!
        number = i.number
        status = i.status.rawValue
        patientID = i.patientID
        facilityID = i.facilityID
        currency = i.currency
        lines = view.lines.map { opened in
            Line(description: opened.description, quantity: opened.line.quantity, unitAmount: opened.line.unitAmount,
                 taxRateBps: opened.line.taxRateBps, amount: opened.line.amount, tax: opened.line.tax)
        }
        subtotal = i.subtotal
        tax = i.tax
        total = i.total
        amountPaid = i.amountPaid
        amountRefunded = i.amountRefunded
        appointmentID = i.appointmentID
        admissionID = i.admissionID
        createdBy = i.createdBy
        createdAt = i.createdAt
        issuedAt = i.issuedAt
        paidAt = i.paidAt
        voidedAt = i.voidedAt
        updatedAt = i.updatedAt
    }
}

extension InvoiceDTO: SchemaSample {
    static var schemaSamples: [Self] {
        let now = Date()
        return [InvoiceDTO(id: UUID(), number: "INV-KGL-2026-000042", status: Invoice.Status.paid.rawValue, patientID: UUID(),
                           facilityID: UUID(), currency: "rwf",
                           lines: [Line(description: "Consultation", quantity: 2, unitAmount: 15_000, taxRateBps: 1_800, amount: 30_000,
                                        tax: 5_400)],
                           subtotal: 30_000, tax: 5_400, total: 35_400, amountPaid: 35_400, amountRefunded: 0, appointmentID: UUID(),
                           admissionID: UUID(), createdBy: UUID(), createdAt: now, issuedAt: now, paidAt: now, voidedAt: now, updatedAt: now)]
    }

    static var schemaNotes: [String: SchemaNote] {
        ["status": .values(of: Invoice.Status.self), "currency": .description("ISO 4217, lowercase")]
    }
}
