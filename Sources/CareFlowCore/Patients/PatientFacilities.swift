import FluentKit
import Foundation
import SQLKit

/// Where a patient is seen, for the facility-scoped roles of PRODUCT §1 ("nurse: patients with
/// an admission/appointment at their facility"): their home facility, a facility where they have
/// an appointment that was not cancelled, and a facility where they were admitted. The one
/// definition of that reach: `PatientAccess` loads it for one patient (single reads, records,
/// documents, vitals), `PatientVisibility` (the patient list and search) and the patients export
/// write it as SQL, all from `visits` below, so a new kind of visit is added in one place.
///
/// Admissions count whether current or discharged, without a time window: as a past appointment
/// does, a stay on a ward keeps the chart readable to that facility's nurses (handover, a
/// readmission, a question about the discharge), and access that lapses silently with time
/// would surprise the ward more than it protects the patient.
enum PatientFacilities {
    /// A table whose rows place a patient at a facility (`tenant_id`, `patient_id`,
    /// `facility_id`); only the rows matching `counting`, when given, do.
    struct Visit: Sendable {
        let table: String
        /// Constant SQL (never input), ANDed to the row's tenant and patient or facility.
        let counting: String?

        var extraCondition: String { counting.map { " AND \($0)" } ?? "" }
    }

    static let visits: [Visit] = [
        Visit(table: "appointments", counting: #""status" <> 'cancelled'"#),
        Visit(table: "admissions", counting: nil),
    ]

    /// SQL on `patients`: the patient is seen at one of `facilities` (home facility or a visit).
    static func condition(atAny facilities: some Collection<UUID>, tenantID: UUID) -> SQLQueryString {
        // Sorted, so the same reach gives the same statement (and prepared-statement cache entry).
        let list = SQLList(facilities.sorted { $0.uuidString < $1.uuidString }.map { SQLBind($0) })
        var parts: [SQLQueryString] = [#""patients"."home_facility_id" IN (\#(list))"#]
        for visit in visits {
            parts.append("""
                "patients"."id" IN (SELECT "patient_id" FROM \(ident: visit.table) WHERE "tenant_id" = \(bind: tenantID)
                    AND "facility_id" IN (\(list))\(unsafeRaw: visit.extraCondition))
                """)
        }
        return "(" + parts.joined(separator: " OR ") + ")"
    }

    /// The facilities where one patient has a visit (the home facility is on the patient row).
    static func visitFacilities(of patientID: UUID, in scope: TenantScope) async throws -> Set<UUID> {
        guard let sql = scope.db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let selects: [SQLQueryString] = visits.map { visit in
            """
            SELECT "facility_id" FROM \(ident: visit.table) WHERE "tenant_id" = \(bind: scope.tenantID)
                AND "patient_id" = \(bind: patientID)\(unsafeRaw: visit.extraCondition)
            """
        }
        let rows = try await sql.raw(selects.joined(separator: " UNION ")).all()
        return Set(try rows.map { try $0.decode(column: "facility_id", as: UUID.self) })
    }
}
