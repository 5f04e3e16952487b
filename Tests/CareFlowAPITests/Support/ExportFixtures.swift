@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Rows for the export tests, written through the models on main (the invoice, admission and
/// ward services are built elsewhere), and readers of what an export produced: an RFC 4180
/// parser written apart from `CSVWriter`, and pypdf for PDFs.
enum ExportFixtures {
    struct LineSpec {
        var description: String
        var quantity: Int
        var unitAmount: Int
        var taxRateBps: Int = 0
    }

    /// An invoice with its lines; totals computed here, by the test (tax rounded half up per line).
    @discardableResult
    static func invoice(_ app: Application, _ t: TestTenant, patient: UUID, facility: Facility? = nil, status: Invoice.Status,
                        currency: String = "usd", number: String? = nil, lines: [LineSpec], refunded: Int = 0,
                        createdAt: Date = Date()) async throws -> Invoice {
        let scope = TenantScope(tenantID: t.id, db: app.db)
        let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
        let facility = facility ?? t.f1
        let invoice = Invoice()
        invoice.id = TimeOrderedID.make()
        invoice.facilityID = facility.id!
        invoice.patientID = patient
        invoice.status = status
        invoice.currency = currency
        let amounts = lines.map { $0.quantity * $0.unitAmount }
        let taxes = lines.map { ($0.quantity * $0.unitAmount * $0.taxRateBps + 5_000) / 10_000 }
        invoice.subtotal = amounts.reduce(0, +)
        invoice.tax = taxes.reduce(0, +)
        invoice.total = invoice.subtotal + invoice.tax
        let paid = [.paid, .partiallyRefunded, .refunded].contains(status)
        invoice.amountPaid = paid ? invoice.total : 0
        invoice.amountRefunded = refunded
        invoice.number = status == .draft ? nil : (number ?? "INV-\(facility.code.uppercased())-2026-\(Int.random(in: 1000...9999))")
        invoice.issuedAt = status == .draft ? nil : createdAt
        invoice.paidAt = paid ? createdAt.addingTimeInterval(3600) : nil
        invoice.createdAt = createdAt
        try await scope.create(invoice)
        for (i, line) in lines.enumerated() {
            let row = InvoiceLine()
            row.id = TimeOrderedID.make()
            row.invoiceID = invoice.id!
            row.position = i + 1
            row.descriptionSealed = try cipher.seal(line.description)
            row.quantity = line.quantity
            row.unitAmount = line.unitAmount
            row.taxRateBps = line.taxRateBps
            row.amount = amounts[i]
            row.tax = taxes[i]
            try await scope.create(row)
        }
        return invoice
    }

    static func ward(_ app: Application, _ t: TestTenant, facility: Facility, name: String = "Ward A", beds: Int = 10) async throws -> Ward {
        let ward = Ward()
        ward.id = TimeOrderedID.make()
        ward.facilityID = facility.id!
        ward.name = name
        ward.beds = beds
        try await TenantScope(tenantID: t.id, db: app.db).create(ward)
        return ward
    }

    @discardableResult
    static func admission(_ app: Application, _ t: TestTenant, patient: UUID, ward: Ward, bed: Int, admittedAt: Date,
                          dischargedAt: Date? = nil, reason: String = "Severe malaria, IV artesunate") async throws -> Admission {
        let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
        let admission = Admission()
        admission.id = TimeOrderedID.make()
        admission.facilityID = ward.facilityID
        admission.wardID = ward.id!
        admission.patientID = patient
        admission.bed = bed
        admission.status = dischargedAt == nil ? .current : .discharged
        admission.admittedAt = admittedAt
        admission.dischargedAt = dischargedAt
        admission.reasonSealed = try cipher.seal(reason)
        admission.disposition = dischargedAt == nil ? nil : "home"
        admission.summarySealed = try dischargedAt.map { _ in try cipher.seal("Recovered; discharge summary text") }
        try await TenantScope(tenantID: t.id, db: app.db).create(admission)
        return admission
    }

    /// A patient registered at `facility` (not linked to an account).
    static func patient(_ app: Application, _ t: TestTenant, given: String, family: String, facility: Facility,
                        phone: String? = nil) async throws -> UUID {
        let scope = TenantScope(tenantID: t.id, db: app.db)
        let view = try await app.services.patients.register(
            PatientInput(givenName: given, familyName: family, birthDate: "1990-02-03", sex: .male, phone: phone,
                         homeFacilityID: facility.id, details: PatientDetails(bloodType: "A-", allergies: ["latex"]),
                         conditions: [ConditionInput(code: "E11", note: "Type 2 diabetes")]),
            in: RequestContext(scope: scope, principal: .system(tenantID: t.id), origin: .none))
        return view.patient.id!
    }

    /// RFC 4180 records: quoted fields may hold commas, CRLF and doubled quotes. Fails the test
    /// on a line end that is not CRLF outside quotes.
    static func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                record.append(field); field = ""
            } else if c == "\r" {
                #expect(chars.first == "\n", "a CR outside quotes must start CRLF")
                if chars.first == "\n" { chars.removeFirst() }
                record.append(field); field = ""
                records.append(record); record = []
            } else {
                #expect(c != "\n", "a bare LF ends a record")
                field.unicodeScalars.append(c)
            }
        }
        #expect(field.isEmpty && record.isEmpty, "the last record ends with CRLF")
        return records
    }

    /// The rows as dictionaries keyed by the header.
    static func table(_ text: String) -> (header: [String], rows: [[String: String]]) {
        let records = parseCSV(text)
        guard let header = records.first else { return ([], []) }
        let rows = records.dropFirst().map { record in
            Dictionary(uniqueKeysWithValues: zip(header, record).map { ($0, $1) })
        }
        return (header, Array(rows))
    }

    /// The text of every page as pypdf extracts it, and the title of the document information,
    /// or nil when pypdf is missing and interop is not required.
    static func pdfText(_ bytes: ByteBuffer) async throws -> (text: String, title: String)? {
        let path = NSTemporaryDirectory() + "careflow-\(UUID().uuidString).pdf"
        try Data(buffer: bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let script = """
            import sys, pypdf
            r = pypdf.PdfReader(sys.argv[1], strict=True)
            print((r.metadata.title if r.metadata else "") or "")
            print("\\n".join(p.extract_text() for p in r.pages))
            """
        guard let out = try await Interop.python(script: script, arguments: [path], requiredModule: "pypdf") else { return nil }
        let title = out.prefix { $0 != "\n" }
        return (String(out.dropFirst(title.count + 1)), String(title))
    }

    /// The details of the newest audit event with `action`.
    static func lastAudit(_ app: Application, _ action: AuditAction) async throws -> (event: AuditEvent, details: [String: String])? {
        guard let event = try await AuditEvent.query(on: app.db).filter(\.$action == action.rawValue).sort(\.$seq, .descending).first()
        else { return nil }
        let details = (try? JSONDecoder().decode([String: String].self, from: Data(event.details.utf8))) ?? [:]
        return (event, details)
    }
}
