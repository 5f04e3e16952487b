@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// `GET /api/v1/invoices/{id}/receipt.pdf` and `GET /api/v1/exports/invoices/{id}.pdf`: PDFs that
/// pypdf opens, holding the invoice's number, lines and totals in its currency's minor unit.
@Suite("Receipt and invoice PDFs")
struct ReceiptPDFTests {
    @Test("a paid invoice's receipt: number, facility, patient, lines and totals; audited as a PHI read; the patient reads their own",
          arguments: TestBackend.enabled)
    func receipt(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "rcpt")
            let aline = try await Fixtures.patient(app, t)
            let invoice = try await ExportFixtures.invoice(
                app, t, patient: aline, status: .partiallyRefunded, currency: "usd", number: "INV-RCPT-F1-2026-0007",
                lines: [.init(description: "Consultation", quantity: 1, unitAmount: 10_000, taxRateBps: 1_800),
                        .init(description: "Paracétamol 500 mg – Łódź", quantity: 3, unitAmount: 815)],
                refunded: 2_000)
            let res = try await app.send(.GET, "/api/v1/invoices/\(invoice.id!)/receipt.pdf", token: t[.billing].token)
            #expect(res.status == .ok, "\(res.text)")
            #expect(res.headers.contentType == .pdf)
            #expect(res.text.hasPrefix("%PDF-"))
            guard let (text, title) = try await ExportFixtures.pdfText(res.body) else { return }
            // 100.00 + 18.00 tax + 3 × 8.15 = 24.45: total 142.45 USD; refunded 20.00 USD.
            #expect(title == "Receipt INV-RCPT-F1-2026-0007")
            #expect(text.contains("INV-RCPT-F1-2026-0007"))
            #expect(text.contains("142.45 USD"), "\(text)")
            #expect(text.contains("124.45 USD") && text.contains("18.00 USD") && text.contains("20.00 USD"))
            #expect(text.contains("Facility One") && text.contains("Aline Uwase"))
            #expect(text.contains("Consultation") && text.contains("Paracétamol 500 mg") && text.contains("?ódz"), "non-WinAnsi letters replaced or transliterated")
            let read = try #require(try await ExportFixtures.lastAudit(app, .phiRead))
            #expect(read.event.targetID == invoice.id!.uuidString.lowercased() && read.details["what"] == "invoice_receipt")

            // The patient whose invoice it is.
            let own = try await app.send(.GET, "/api/v1/invoices/\(invoice.id!)/receipt.pdf", token: t[.patient].token)
            #expect(own.status == .ok)
        }
    }

    @Test("zero-decimal currencies as whole numbers; unpaid is a 409; other facility 403, other tenant 404; invoice PDF export",
          arguments: TestBackend.enabled)
    func rules(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "rcpt-rules")
            let other = try await Fixtures.tenant(app, slug: "rcpt-other")
            let aline = try await Fixtures.patient(app, t)
            let rwf = try await ExportFixtures.invoice(app, t, patient: aline, status: .paid, currency: "rwf", number: "INV-R-2026-0001",
                                                       lines: [.init(description: "Bed day", quantity: 3, unitAmount: 15_000)])
            let res = try await app.send(.GET, "/api/v1/invoices/\(rwf.id!)/receipt.pdf", token: t[.groupAdmin].token)
            #expect(res.status == .ok)
            if let (text, _) = try await ExportFixtures.pdfText(res.body) {
                #expect(text.contains("45000 RWF") && text.contains("15000 RWF") && !text.contains("450.00"), "\(text)")
            }

            let open = try await ExportFixtures.invoice(app, t, patient: aline, status: .open, number: "INV-R-2026-0002",
                                                        lines: [.init(description: "X-ray", quantity: 1, unitAmount: 8_000)])
            let unpaid = try await app.send(.GET, "/api/v1/invoices/\(open.id!)/receipt.pdf", token: t[.groupAdmin].token)
            #expect(unpaid.status == .conflict && unpaid.isProblem)

            let atF2 = try await ExportFixtures.invoice(app, t, patient: aline, facility: t.f2, status: .paid,
                                                        lines: [.init(description: "X-ray", quantity: 1, unitAmount: 8_000)])
            let f2 = try await app.send(.GET, "/api/v1/invoices/\(atF2.id!)/receipt.pdf", token: t[.billing].token)
            #expect(f2.status == .forbidden && f2.isProblem)
            let foreign = try await app.send(.GET, "/api/v1/invoices/\(rwf.id!)/receipt.pdf", token: other[.groupAdmin].token)
            #expect(foreign.status == .notFound && foreign.isProblem)
            let otherPatient = try await app.send(.GET, "/api/v1/invoices/\(rwf.id!)/receipt.pdf", token: other[.patient].token)
            #expect(otherPatient.status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/invoices/not-an-id/receipt.pdf", token: t[.groupAdmin].token).status == .notFound)

            // The single-invoice PDF of the exports: any issued state, export.run needed, audited as an export.
            let doc = try await app.send(.GET, "/api/v1/exports/invoices/\(open.id!).pdf", token: t[.billing].token)
            #expect(doc.status == .ok, "\(doc.text)")
            if let (text, title) = try await ExportFixtures.pdfText(doc.body) {
                #expect(title == "Invoice INV-R-2026-0002" && text.contains("80.00 USD"))
            }
            let exported = try #require(try await ExportFixtures.lastAudit(app, .exportCompleted))
            #expect(exported.event.targetID == open.id!.uuidString.lowercased() && exported.details["format"] == "pdf")
            let byPatient = try await app.send(.GET, "/api/v1/exports/invoices/\(open.id!).pdf", token: t[.patient].token)
            #expect(byPatient.status == .forbidden)
            let draft = try await ExportFixtures.invoice(app, t, patient: aline, status: .draft,
                                                         lines: [.init(description: "X-ray", quantity: 1, unitAmount: 8_000)])
            #expect(try await app.send(.GET, "/api/v1/exports/invoices/\(draft.id!).pdf", token: t[.billing].token).status == .conflict)
        }
    }
}
