import Foundation

/// What a receipt or an invoice PDF shows, opened and checked: plain values, no layout. Amounts
/// are in the currency's minor unit; `MinorUnitFormatter` formats them.
public struct InvoiceDocument: Sendable {
    public enum Kind: String, Sendable {
        /// Proof of payment: only for a paid (or since refunded) invoice.
        case receipt
        /// The invoice itself, in whatever issued state it is.
        case invoice
    }

    public struct Line: Sendable {
        public let description: String
        public let quantity: Int
        public let unitAmount: Int
        public let taxRateBps: Int
        public let amount: Int
        public let tax: Int
    }

    public let kind: Kind
    public let invoiceID: UUID
    public let number: String
    public let status: Invoice.Status
    public let facilityName: String
    public let patientName: String
    public let currency: String
    public let issuedAt: Date?
    public let paidAt: Date?
    public let lines: [Line]
    public let subtotal: Int
    public let tax: Int
    public let total: Int
    public let amountPaid: Int
    public let amountRefunded: Int
}
