import FluentKit
import Foundation
import SQLKit

/// Which patients a principal may list (PRODUCT §1), or see the clinical content of, as one SQL
/// condition on `patients`: the database does the work with subqueries on indexed columns
/// instead of CareFlow collecting ids (a nurse's facility can hold more patients than SQLite
/// allows bind parameters). The subqueries are the SQL form of `PatientContext` as
/// `AccessDecision` judges it, so a list and a single read agree.
enum PatientVisibility {
    case wholeTenant
    /// The principal has no grant for the action on any patient.
    case nothing
    case matching(any SQLExpression)

    /// `action` is `.patientRead` (which patients are listed) or `.patientReadClinical` (whose
    /// clinical content, such as diagnoses, may be matched).
    static func of(_ principal: Principal, tenantID: UUID, for action: Action = .patientRead, now: Date = Date()) -> PatientVisibility {
        var conditions: [any SQLExpression] = []
        for grant in principal.grants {
            switch AccessPolicy.scope(of: grant.role, for: action) {
            case .tenant?:
                return .wholeTenant
            case .careTeam?:
                let doctor = principal.subjectID
                conditions.append(SQLQueryString("""
                    "patients"."id" IN (SELECT "patient_id" FROM "care_relationships" WHERE "tenant_id" = \(bind: tenantID)
                        AND "doctor_id" = \(bind: doctor) AND "ended_at" IS NULL AND ("ends_on" IS NULL OR "ends_on" > \(bind: now)))
                    """))
                conditions.append(SQLQueryString("""
                    "patients"."id" IN (SELECT "patient_id" FROM "appointments" WHERE "tenant_id" = \(bind: tenantID)
                        AND "doctor_id" = \(bind: doctor) AND "status" <> 'cancelled')
                    """))
            case .facility?:
                guard let facility = grant.facilityID else { continue }
                // Home facility, appointment or admission there: `PatientFacilities`.
                conditions.append(PatientFacilities.condition(atAny: [facility], tenantID: tenantID))
            case .self?:
                conditions.append(SQLQueryString(#""patients"."user_id" = \#(bind: principal.subjectID)"#))
            default:
                continue
            }
        }
        guard !conditions.isEmpty else { return .nothing }
        return .matching(SQLGroupExpression(SQLList(conditions, separator: SQLRaw(" OR "))))
    }

    /// `patients.id IN (SELECT patient_id FROM table WHERE tenant_id = … AND column = value)`.
    static func patientIn(_ table: String, where column: String, equals value: some Encodable & Sendable, tenantID: UUID) -> SQLQueryString {
        """
        "patients"."id" IN (SELECT "patient_id" FROM \(ident: table) WHERE "tenant_id" = \(bind: tenantID) AND \(ident: column) = \(bind: value))
        """
    }
}
