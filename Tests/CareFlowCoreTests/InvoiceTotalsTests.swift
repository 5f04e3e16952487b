@testable import CareFlowCore
import Foundation
import Testing

/// Invoice arithmetic (issue 14), against numbers worked out by hand in the comments.
@Suite("Invoice totals and numbers (pure)")
struct InvoiceTotalsTests {
    @Test("per-line amount and tax, tax rounded half up, and the sums")
    func worked() throws {
        let totals = try InvoiceTotals([
            (quantity: 2, unitAmount: 15_000, taxRateBps: 1_800),  // 30 000; 18 % = 5 400
            (quantity: 3, unitAmount: 1_235, taxRateBps: 750),     // 3 705; 7.5 % = 277.875 → 278
            (quantity: 1, unitAmount: 999, taxRateBps: 0),         // 999; no tax
            (quantity: 1, unitAmount: 10, taxRateBps: 500),        // 10; 5 % = 0.5 → 1 (half up)
        ])
        #expect(totals.lines == [.init(amount: 30_000, tax: 5_400), .init(amount: 3_705, tax: 278),
                                 .init(amount: 999, tax: 0), .init(amount: 10, tax: 1)])
        #expect(totals.subtotal == 34_714)  // 30 000 + 3 705 + 999 + 10
        #expect(totals.tax == 5_679)        // 5 400 + 278 + 0 + 1
        #expect(totals.total == 40_393)
    }

    @Test("rounding: below a half down, a half and above up")
    func rounding() throws {
        #expect(try InvoiceTotals.tax(on: 9, bps: 500) == 0)      // 0.45
        #expect(try InvoiceTotals.tax(on: 10, bps: 500) == 1)     // 0.5
        #expect(try InvoiceTotals.tax(on: 30, bps: 500) == 2)     // 1.5
        #expect(try InvoiceTotals.tax(on: 29, bps: 500) == 1)     // 1.45
        #expect(try InvoiceTotals.tax(on: 1, bps: 10_000) == 1)   // 100 %
        #expect(try InvoiceTotals.tax(on: 0, bps: 10_000) == 0)
        #expect(try InvoiceTotals.tax(on: 12_345, bps: 1) == 1)   // 1.2345
        #expect(try InvoiceTotals.tax(on: 5_000, bps: 1) == 1)    // 0.5
        #expect(try InvoiceTotals.tax(on: 4_999, bps: 1) == 0)    // 0.4999
    }

    @Test("amounts whose product with the rate exceeds 64 bits are still exact")
    func largeAmounts() throws {
        // 9 999 999 999 999 999 × 50 % = 4 999 999 999 999 999.5 → 5 000 000 000 000 000;
        // the naive product (× 5 000) would be about 5 × 10^19, past Int64.max ≈ 9.22 × 10^18.
        #expect(try InvoiceTotals.tax(on: 9_999_999_999_999_999, bps: 5_000) == 5_000_000_000_000_000)
        // The largest invoice the API accepts: 100 lines of 100 000 × 10^11 at 100 %.
        let line = (quantity: 100_000, unitAmount: 100_000_000_000, taxRateBps: 10_000)
        let most = try InvoiceTotals(Array(repeating: line, count: 100))
        #expect(most.subtotal == 1_000_000_000_000_000_000)  // 100 × 10^16
        #expect(most.tax == 1_000_000_000_000_000_000)
        #expect(most.total == 2_000_000_000_000_000_000)
    }

    @Test("overflow and negative inputs are refused, never wrapped")
    func refusals() {
        let half = Int.max / 2 + 1
        #expect(throws: InvoiceTotals.Refusal.overflow) { try InvoiceTotals([(quantity: 2, unitAmount: half, taxRateBps: 0)]) }
        #expect(throws: InvoiceTotals.Refusal.overflow) {
            try InvoiceTotals([(quantity: 1, unitAmount: half, taxRateBps: 0), (quantity: 1, unitAmount: half, taxRateBps: 0)])
        }
        // Subtotal fits, subtotal + tax does not.
        #expect(throws: InvoiceTotals.Refusal.overflow) { try InvoiceTotals([(quantity: 1, unitAmount: half, taxRateBps: 10_000)]) }
        #expect(throws: InvoiceTotals.Refusal.negative) { try InvoiceTotals([(quantity: -1, unitAmount: 100, taxRateBps: 0)]) }
        #expect(throws: InvoiceTotals.Refusal.negative) { try InvoiceTotals([(quantity: 1, unitAmount: -100, taxRateBps: 0)]) }
        #expect(throws: InvoiceTotals.Refusal.negative) { try InvoiceTotals([(quantity: 1, unitAmount: 100, taxRateBps: -5)]) }
    }

    @Test("numbers: INV-<facility code>-<year>-<six-digit seq>, the year on the facility's clock")
    func numbers() throws {
        #expect(InvoiceNumber.format(facilityCode: "KGL", year: 2026, sequence: 42) == "INV-KGL-2026-000042")
        #expect(InvoiceNumber.format(facilityCode: "kgl-f1", year: 2027, sequence: 1) == "INV-kgl-f1-2027-000001")
        #expect(InvoiceNumber.format(facilityCode: "KGL", year: 2026, sequence: 1_234_567) == "INV-KGL-2026-1234567")
        // 2026-12-31 22:30 UTC is already 00:30 on 1 January 2027 in Kigali (UTC+2).
        let instant = Date(timeIntervalSince1970: 1_798_756_200)
        #expect(InvoiceNumber.year(of: instant, in: try #require(TimeZone(identifier: "Africa/Kigali"))) == 2027)
        #expect(InvoiceNumber.year(of: instant, in: try #require(TimeZone(identifier: "UTC"))) == 2026)
    }

    @Test("currency codes: three lowercase letters of ISO 4217")
    func currencies() {
        #expect(CurrencyCode.isValid("usd") && CurrencyCode.isValid("rwf") && CurrencyCode.isValid("eur"))
        #expect(!CurrencyCode.isValid("USD") && !CurrencyCode.isValid("us") && !CurrencyCode.isValid("usdd") && !CurrencyCode.isValid("u5d"))
        if !Locale.Currency.isoCurrencies.isEmpty { #expect(!CurrencyCode.isValid("qqq")) }
    }
}
