import CareFlowCore
import Foundation

/// `POST /api/v1/claims`: `{invoice_id, payer, policy_number, amount}`. The amount is an integer
/// in the invoice's currency's minor unit; that it does not exceed the invoice is checked
/// against the invoice by the service.
struct ClaimBody: RequestBody {
    /// The largest integer a JSON number carries exactly.
    static let maxAmount = 9_007_199_254_740_991

    let submission: ClaimSubmission

    init?(fields: inout FieldReader) {
        let invoiceID = fields.uuid("invoice_id")
        let payer = fields.string("payer", maxLength: 200)
        let policyNumber = fields.string("policy_number", maxLength: 64)
        let amount = fields.integer("amount", range: 1...Self.maxAmount)
        guard let invoiceID, let payer, let policyNumber, let amount else { return nil }
        submission = ClaimSubmission(invoiceID: invoiceID, payer: payer, policyNumber: policyNumber, amount: amount)
    }
}

/// `POST /api/v1/claims/{claimID}/transition`: `{to, note?}`; a denial needs the note (its reason).
struct ClaimTransitionBody: RequestBody {
    let to: Claim.Status
    let note: String?

    init?(fields: inout FieldReader) {
        let to = fields.enumeration("to", Claim.Status.self)
        note = fields.string("note", required: false, maxLength: 2000)
        guard let to else { return nil }
        self.to = to
    }
}

/// `?invoice_id=&facility_id=&status=` of the claim list.
struct ClaimListQuery: RequestQuery {
    static let parameterNames = ["invoice_id", "facility_id", "status"]
    let filters: ClaimFilters

    init?(fields: inout FieldReader) {
        filters = ClaimFilters(invoiceID: fields.uuid("invoice_id", required: false), facilityID: fields.uuid("facility_id", required: false),
                               status: fields.enumeration("status", Claim.Status.self, required: false))
    }
}
