import Foundation

/// What `POST /api/v1/claims` asks for, already checked field by field (payer 1–200 and policy
/// number 1–64 characters, amount a positive integer); the service checks it against the invoice.
public struct ClaimSubmission: Sendable {
    public let invoiceID: UUID
    public let payer: String
    public let policyNumber: String
    /// Minor units of the invoice's currency.
    public let amount: Int

    public init(invoiceID: UUID, payer: String, policyNumber: String, amount: Int) {
        self.invoiceID = invoiceID
        self.payer = payer
        self.policyNumber = policyNumber
        self.amount = amount
    }
}
