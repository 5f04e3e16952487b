import FluentKit
import Foundation
import SQLKit

/// `patients.csv`: the patients the caller may read (`patient.read`, as the patient list decides)
/// within the export's reach (home facility, an appointment or an admission at one of its
/// facilities: `PatientFacilities`), with the list's filters. Demographics only: clinical
/// content (conditions, details) is never exported, whatever the role.
struct PatientExportSource: ExportSource {
    let conditions: [SQLQueryString]
    let cipher: FieldCipher
    let scope: TenantScope

    let header = ["id", "mrn", "given_name", "family_name", "birth_date", "birth_year", "sex", "phone", "email",
                  "home_facility_id", "registered_at"]

    static func reachCondition(_ reach: ExportReach, tenantID: UUID) -> SQLQueryString? {
        guard let facilities = reach.facilities else { return nil }
        return PatientFacilities.condition(atAny: facilities, tenantID: tenantID)
    }

    func page(after last: UUID?, limit: Int) async throws -> ExportPage {
        var where_ = conditions
        if let last { where_.append(#""patients"."id" > \#(bind: last)"#) }
        let rows = try await scope.db.selectDirect(Patient.self, "WHERE " + where_.joined(separator: " AND ")
                                                   + #" ORDER BY "patients"."id" ASC LIMIT \#(literal: limit)"#)
        let ciphers = try await PatientCiphers.load(rows.compactMap(\.id), tenant: cipher, in: scope)
        var out: [[CSVCell]] = []
        out.reserveCapacity(rows.count)
        for p in rows {
            let cipher = p.id.map { ciphers[$0] } ?? cipher
            out.append([
                .text(p.id?.lowercasedString ?? ""), .text(try cipher.open(p.mrnSealed)),
                .text(try cipher.open(p.givenNameSealed)), .text(try cipher.open(p.familyNameSealed)),
                .optional(try cipher.open(p.birthDateSealed)), p.birthYear.map(CSVCell.number) ?? .empty, .text(p.sex.rawValue),
                .optional(try cipher.open(p.phoneSealed)), .optional(try cipher.open(p.emailSealed)),
                .optional(p.homeFacilityID?.lowercasedString), ExportTimestamp.cell(p.createdAt),
            ])
        }
        return ExportPage(rows: out, last: rows.last?.id)
    }
}
