import CareFlowCore
import Foundation

/// `POST /api/v1/invoices`: `{patient_id, facility_id, currency?, lines: [{description, quantity,
/// unit_amount, tax_rate_bps?}], appointment_id?, admission_id?}`. Amounts are whole minor units
/// (a float or a string is refused, not rounded); every bad field of every line is named
/// (`lines[2].quantity`).
struct NewInvoiceBody: RequestBody {
    static let maxLines = 100
    /// 10^11 minor units: a billion dollars, far above any single item, far below overflow.
    static let unitAmountRange = 0...100_000_000_000

    let invoice: NewInvoice

    init?(fields: inout FieldReader) {
        let patientID = fields.uuid("patient_id")
        let facilityID = fields.uuid("facility_id")
        let currency = fields.string("currency", required: false, maxLength: 3, pattern: "^[a-z]{3}$",
                                     patternHint: "must be three lowercase letters (ISO 4217, e.g. usd)")
        if let currency, !CurrencyCode.isValid(currency) { fields.fail("currency", "is not an ISO 4217 currency code") }
        let lines = Self.lines(&fields)
        let appointmentID = fields.uuid("appointment_id", required: false)
        let admissionID = fields.uuid("admission_id", required: false)
        guard let patientID, let facilityID, let lines, fields.errors.isEmpty else { return nil }
        invoice = NewInvoice(patientID: patientID, facilityID: facilityID, currency: currency, lines: lines,
                             appointmentID: appointmentID, admissionID: admissionID)
    }

    /// `lines`: 1–100 of `{description, quantity, unit_amount, tax_rate_bps?}`, each bad field
    /// named by index; nil after reporting a problem.
    static func lines(_ fields: inout FieldReader) -> [NewInvoice.Line]? {
        let lines = fields.objectArray("lines", maxCount: maxLines) { line -> NewInvoice.Line? in
            let description = line.string("description", maxLength: 500)
            let quantity = line.integer("quantity", range: 1...100_000)
            let unitAmount = line.integer("unit_amount", range: unitAmountRange)
            let taxRate = line.integer("tax_rate_bps", required: false, range: 0...10_000)
            guard let description, let quantity, let unitAmount else { return nil }
            return NewInvoice.Line(description: description, quantity: quantity, unitAmount: unitAmount, taxRateBps: taxRate ?? 0)
        }
        fields.refine("lines", ["minItems": .number(1)])
        if let lines, lines.isEmpty {
            fields.fail("lines", "must have at least 1 line")
            return nil
        } else if lines == nil, !fields.errors.contains(where: { $0.field.hasPrefix("lines") }) {
            fields.fail("lines", "is required")
        }
        return lines
    }
}

/// `PATCH /api/v1/invoices/{id}`: `{lines: [...]}` replaces every line of a draft (same rules as
/// creating); the totals are computed again. An issued invoice never changes.
struct InvoiceLinesBody: RequestBody {
    let lines: [NewInvoice.Line]

    init?(fields: inout FieldReader) {
        guard let lines = NewInvoiceBody.lines(&fields), fields.errors.isEmpty else { return nil }
        self.lines = lines
    }
}

/// `?patient_id=&facility_id=&status=&from=&to=` of the invoice list and of `invoices.csv`;
/// `from`/`to` bound `created_at` (RFC 3339, half-open).
struct InvoiceListQuery: RequestQuery {
    static let parameterNames = ["patient_id", "facility_id", "status", "from", "to"]
    let filters: InvoiceFilters

    init?(fields: inout FieldReader) {
        filters = InvoiceFilters(patientID: fields.uuid("patient_id", required: false),
                                 facilityID: fields.uuid("facility_id", required: false),
                                 status: fields.enumeration("status", Invoice.Status.self, required: false),
                                 from: fields.timestamp("from", required: false),
                                 to: fields.timestamp("to", required: false))
    }
}
