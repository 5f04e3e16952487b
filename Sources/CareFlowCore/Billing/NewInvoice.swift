import Foundation

/// What creating an invoice asks for: who is billed, where, and the lines. No amount beyond the
/// unit prices: totals and tax are the server's (`InvoiceTotals`).
public struct NewInvoice: Sendable {
    public struct Line: Sendable {
        public var description: String
        public var quantity: Int
        /// In the currency's minor unit.
        public var unitAmount: Int
        /// Hundredths of a percent: 1 800 = 18 %.
        public var taxRateBps: Int

        public init(description: String, quantity: Int, unitAmount: Int, taxRateBps: Int = 0) {
            self.description = description
            self.quantity = quantity
            self.unitAmount = unitAmount
            self.taxRateBps = taxRateBps
        }
    }

    public var patientID: UUID
    public var facilityID: UUID
    /// Nil: the tenant's currency.
    public var currency: String?
    public var lines: [Line]
    public var appointmentID: UUID?
    public var admissionID: UUID?

    public init(patientID: UUID, facilityID: UUID, currency: String?, lines: [Line], appointmentID: UUID? = nil,
                admissionID: UUID? = nil) {
        self.patientID = patientID
        self.facilityID = facilityID
        self.currency = currency
        self.lines = lines
        self.appointmentID = appointmentID
        self.admissionID = admissionID
    }
}
