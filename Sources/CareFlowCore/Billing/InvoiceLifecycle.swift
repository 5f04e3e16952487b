/// Where an invoice may go from where it is (issue 14): only forward.
///
///     draft → open → paid → partially_refunded → refunded
///       ↘      ↘                    ↘______________↗
///        void   void
///
/// `paid` may go straight to `refunded` (a full refund), and `partially_refunded` stays
/// `partially_refunded` when a further partial refund still leaves money paid. Nothing leaves
/// `void` or `refunded`. The invoice and payment services and the payment webhooks all ask
/// this one table, so an older or repeated event can never move an invoice back.
public enum InvoiceLifecycle {
    public static func canMove(from: Invoice.Status, to: Invoice.Status) -> Bool {
        switch (from, to) {
        case (.draft, .open), (.draft, .void): true
        case (.open, .paid), (.open, .void): true
        case (.paid, .partiallyRefunded), (.paid, .refunded): true
        case (.partiallyRefunded, .partiallyRefunded), (.partiallyRefunded, .refunded): true
        default: false
        }
    }

    /// The state after refunds totalling `refunded` of `paid` minor units on a paid invoice.
    public static func statusAfterRefunds(paid: Int, refunded: Int) -> Invoice.Status {
        refunded <= 0 ? .paid : refunded >= paid ? .refunded : .partiallyRefunded
    }

    /// Whether the invoice has been issued to the patient (a number, and money may be owed or paid).
    public static func isIssued(_ status: Invoice.Status) -> Bool {
        status != .draft && status != .void
    }
}
