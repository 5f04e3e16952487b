import FluentKit
import Foundation

/// `admissions.csv`: admissions within the export's reach (facilities where the caller holds
/// both `export.run` and `admission.read`), filtered as asked. The sealed reason and discharge
/// summary are never exported; the patient's name only for callers who may read every patient.
struct AdmissionExportSource: ExportSource {
    let filters: AdmissionFilters
    let reach: ExportReach
    let names: FieldCipher?
    let scope: TenantScope

    var header: [String] {
        ["id", "facility_id", "ward_id", "bed", "patient_id"] + (names == nil ? [] : ["patient_name"])
            + ["status", "admitted_at", "discharged_at", "disposition"]
    }

    func page(after last: UUID?, limit: Int) async throws -> ExportPage {
        var query = scope.query(Admission.self)
        if let facilities = reach.facilities { query = query.filter(\.$facilityID ~~ Array(facilities)) }
        // The list's conditions (the facility filter is already the reach, so it only repeats it).
        query = filters.apply(to: query)
        if let last { query = query.filter(\.$id > last) }
        let rows = try await query.sort(\.$id, .ascending).limit(limit).all()
        var patientNames: [UUID: String]?
        if let names { patientNames = try await PatientNames.load(rows.map(\.patientID), cipher: names, in: scope) }
        let out: [[CSVCell]] = rows.map { a in
            var row: [CSVCell] = [.text(a.id?.lowercasedString ?? ""), .text(a.facilityID.lowercasedString),
                                  .text(a.wardID.lowercasedString), .number(a.bed), .text(a.patientID.lowercasedString)]
            if let patientNames { row.append(.optional(patientNames[a.patientID])) }
            row += [.text(a.status.rawValue), .text(ExportTimestamp.format(a.admittedAt)), ExportTimestamp.cell(a.dischargedAt),
                    .optional(a.disposition)]
            return row
        }
        return ExportPage(rows: out, last: rows.last?.id)
    }
}
