import CareFlowCore
import CareFlowPDF
import Foundation

/// The layout of a receipt or an invoice PDF: who issued it to whom, the lines, the totals in
/// the invoice's currency with its minor unit (123.45 USD, 5000 RWF).
enum InvoicePDF {
    static func render(_ document: InvoiceDocument) throws -> [UInt8] {
        let title = document.kind == .receipt ? "Receipt" : "Invoice"
        let pdf = try PDFDocumentWriter(title: "\(title) \(document.number)")
        let money = { (minor: Int) in MinorUnitFormatter.format(minor, currency: document.currency) }
        pdf.heading("\(title) \(document.number)")
        pdf.line(document.facilityName, size: 12, bold: true)
        pdf.space()
        pdf.field("Invoice number", document.number)
        pdf.field("Status", document.status.rawValue.replacingOccurrences(of: "_", with: " "))
        pdf.field("Issued", document.issuedAt.map(day) ?? "-")
        pdf.field("Paid", document.paidAt.map(day) ?? "-")
        pdf.field("Patient", document.patientName)
        pdf.space(12)
        let width = pdf.contentWidth
        pdf.table([
            .init("Description", width: width - 330), .init("Qty", width: 40, alignment: .right),
            .init("Unit amount", width: 100, alignment: .right), .init("Tax", width: 90, alignment: .right),
            .init("Amount", width: 100, alignment: .right),
        ], rows: document.lines.map { line in
            [line.description, String(line.quantity), money(line.unitAmount),
             money(line.tax) + " (" + percent(line.taxRateBps) + ")", money(line.amount + line.tax)]
        })
        pdf.rule()
        var totals: [(String, String)] = [("Subtotal", money(document.subtotal)), ("Tax", money(document.tax)),
                                          ("Total", money(document.total))]
        if document.amountPaid > 0 { totals.append(("Amount paid", money(document.amountPaid))) }
        if document.amountRefunded > 0 { totals.append(("Amount refunded", money(document.amountRefunded))) }
        pdf.table([.init("", width: width - 200), .init("", width: 100, alignment: .right), .init("", width: 100, alignment: .right)],
                  rows: totals.map { ["", $0.0, $0.1] })
        return try pdf.finish()
    }

    /// 1000 basis points → "10%", 1250 → "12.5%".
    static func percent(_ bps: Int) -> String {
        let whole = bps / 100, rest = bps % 100
        if rest == 0 { return "\(whole)%" }
        return rest % 10 == 0 ? "\(whole).\(rest / 10)%" : "\(whole).\(rest < 10 ? "0" : "")\(rest)%"
    }

    /// `2026-11-30` (UTC).
    static func day(_ date: Date) -> String {
        String(ExportTimestamp.format(date).prefix(10))
    }
}
