/// The money of an invoice, worked out from its lines by the server alone: a client never sends
/// an amount, a tax or a total. Integers in the currency's minor unit throughout, so no binary
/// fraction ever reaches a bill.
///
/// Per line `amount = quantity × unit_amount` and `tax = amount × tax_rate_bps / 10 000`, rounded
/// half up to the minor unit (tax is computed per line, as it is printed per line); the invoice's
/// subtotal, tax and total are the sums. Any step that would not fit in 64 bits is refused rather
/// than wrapped, and a negative quantity, price or rate is refused too (`InvoiceTotals.Refusal`):
/// the API's ranges keep both out, this type does not rely on it.
public struct InvoiceTotals: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public let amount: Int
        public let tax: Int
    }

    public enum Refusal: Error, Equatable {
        /// An amount that does not fit in a 64-bit integer.
        case overflow
        /// A negative quantity, unit amount or rate.
        case negative
    }

    public static let bpsPerUnit = 10_000

    public let lines: [Line]
    public let subtotal: Int
    public let tax: Int
    public let total: Int

    /// `lines` as (quantity, unit_amount, tax_rate_bps), each non-negative (the API checks ranges).
    public init(_ lines: [(quantity: Int, unitAmount: Int, taxRateBps: Int)]) throws(Refusal) {
        var computed: [Line] = []
        var subtotal = 0, tax = 0
        for line in lines {
            guard line.quantity >= 0, line.unitAmount >= 0, line.taxRateBps >= 0 else { throw .negative }
            let amount = try Self.checked(line.quantity.multipliedReportingOverflow(by: line.unitAmount))
            let lineTax = try Self.tax(on: amount, bps: line.taxRateBps)
            computed.append(Line(amount: amount, tax: lineTax))
            subtotal = try Self.checked(subtotal.addingReportingOverflow(amount))
            tax = try Self.checked(tax.addingReportingOverflow(lineTax))
        }
        self.lines = computed
        self.subtotal = subtotal
        self.tax = tax
        self.total = try Self.checked(subtotal.addingReportingOverflow(tax))
    }

    /// `amount × bps / 10 000` rounded half up. Split as `amount = q × 10 000 + r` so the product
    /// never needs more than 64 bits for amounts the API accepts (up to 10^16 × 10 000 would not
    /// fit): `q × bps` is exact and only `r × bps + 5 000` is divided.
    public static func tax(on amount: Int, bps: Int) throws(Refusal) -> Int {
        guard amount >= 0, bps >= 0 else { throw .negative }
        let (q, r) = amount.quotientAndRemainder(dividingBy: bpsPerUnit)
        let whole = try checked(q.multipliedReportingOverflow(by: bps))
        let part = try checked(r.multipliedReportingOverflow(by: bps))
        let rounded = try checked(part.addingReportingOverflow(bpsPerUnit / 2)) / bpsPerUnit
        return try checked(whole.addingReportingOverflow(rounded))
    }

    private static func checked(_ result: (partialValue: Int, overflow: Bool)) throws(Refusal) -> Int {
        if result.overflow { throw .overflow }
        return result.partialValue
    }
}
