import FluentKit
import Foundation

/// `appointments.csv`: appointments within the export's reach (facilities where the caller holds
/// both `export.run` and `appointment.read`), filtered as asked. The reason for the visit is
/// never exported; the patient's name only for callers who may read every patient.
struct AppointmentExportSource: ExportSource {
    let filters: AppointmentFilters
    let reach: ExportReach
    let names: FieldCipher?
    let scope: TenantScope

    var header: [String] {
        ["id", "facility_id", "doctor_id", "patient_id"] + (names == nil ? [] : ["patient_name"])
            + ["starts_at", "ends_at", "status", "booked_at"]
    }

    func page(after last: UUID?, limit: Int) async throws -> ExportPage {
        var query = scope.query(Appointment.self)
        if let facilities = reach.facilities { query = query.filter(\.$facilityID ~~ Array(facilities)) }
        // The list's conditions (the facility filter is already the reach, so it only repeats it).
        query = filters.apply(to: query)
        if let last { query = query.filter(\.$id > last) }
        let rows = try await query.sort(\.$id, .ascending).limit(limit).allDirect()
        var patientNames: [UUID: String]?
        if let names { patientNames = try await PatientNames.load(rows.map(\.patientID), cipher: names, in: scope) }
        let out: [[CSVCell]] = rows.map { a in
            var row: [CSVCell] = [.text(a.id?.lowercasedString ?? ""), .text(a.facilityID.lowercasedString),
                                  .text(a.doctorID.lowercasedString), .text(a.patientID.lowercasedString)]
            if let patientNames { row.append(.optional(patientNames[a.patientID])) }
            row += [.text(ExportTimestamp.format(a.startsAt)), .text(ExportTimestamp.format(a.endsAt)), .text(a.status.rawValue),
                    ExportTimestamp.cell(a.createdAt)]
            return row
        }
        return ExportPage(rows: out, last: rows.last?.id)
    }
}
