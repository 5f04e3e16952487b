import FluentKit
import Foundation

/// `invoices.csv`: invoices within the export's reach (facilities where the caller holds both
/// `export.run` and `invoice.read`), filtered as asked. Amounts are integers in the currency's
/// minor unit (as the API gives them), with the currency on each row; line descriptions are not
/// exported. The patient's name only for callers who may read every patient.
struct InvoiceExportSource: ExportSource {
    let filters: InvoiceFilters
    let reach: ExportReach
    let names: FieldCipher?
    let scope: TenantScope

    var header: [String] {
        ["id", "number", "facility_id", "patient_id"] + (names == nil ? [] : ["patient_name"])
            + ["status", "currency", "subtotal_minor", "tax_minor", "total_minor", "paid_minor", "refunded_minor",
               "created_at", "issued_at", "paid_at"]
    }

    func page(after last: UUID?, limit: Int) async throws -> ExportPage {
        var query = scope.query(Invoice.self)
        if let facilities = reach.facilities { query = query.filter(\.$facilityID ~~ Array(facilities)) }
        // The list's conditions (the facility filter is already the reach, so it only repeats it).
        query = filters.apply(to: query)
        if let last { query = query.filter(\.$id > last) }
        let rows = try await query.sort(\.$id, .ascending).limit(limit).all()
        var patientNames: [UUID: String]?
        if let names { patientNames = try await PatientNames.load(rows.map(\.patientID), cipher: names, in: scope) }
        let out: [[CSVCell]] = rows.map { i in
            var row: [CSVCell] = [.text(i.id?.lowercasedString ?? ""), .optional(i.number), .text(i.facilityID.lowercasedString),
                                  .text(i.patientID.lowercasedString)]
            if let patientNames { row.append(.optional(patientNames[i.patientID])) }
            row += [.text(i.status.rawValue), .text(i.currency.uppercased()), .number(i.subtotal), .number(i.tax), .number(i.total),
                    .number(i.amountPaid), .number(i.amountRefunded), .text(ExportTimestamp.format(i.createdAt)),
                    ExportTimestamp.cell(i.issuedAt), ExportTimestamp.cell(i.paidAt)]
            return row
        }
        return ExportPage(rows: out, last: rows.last?.id)
    }
}
