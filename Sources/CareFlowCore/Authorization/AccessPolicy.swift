/// How far a role's permission for an action reaches.
public enum PermissionScope: String, Sendable {
    /// Platform-wide operations (no tenant data).
    case platform
    /// Every facility of the caller's tenant.
    case tenant
    /// Only the facility where the role is held; for a patient: patients whose home facility
    /// it is or who have an appointment or an admission there (`PatientFacilities`).
    case facility
    /// Only patients the doctor cares for: an active care relationship or an appointment.
    case careTeam = "care_team"
    /// Only the caller's own account.
    case `self`
}

/// The RBAC policy table: role × action → scope. This table is the single source of truth; the
/// README shows it (a test keeps the two identical) and `AccessGuard` enforces it.
public enum AccessPolicy {
    public typealias Row = (action: Action, grants: [Role: PermissionScope])

    public static let table: [Row] = [
        (.tenantCreate, [.platformAdmin: .platform]),
        (.tenantList, [.platformAdmin: .platform]),
        (.tenantSuspend, [.platformAdmin: .platform]),
        (.facilityCreate, [.groupAdmin: .tenant]),
        (.facilityRead, [.groupAdmin: .tenant, .facilityAdmin: .facility, .doctor: .facility, .nurse: .facility,
                         .receptionist: .facility, .billing: .facility]),
        (.staffRead, [.groupAdmin: .tenant, .facilityAdmin: .facility]),
        (.staffInvite, [.groupAdmin: .tenant, .facilityAdmin: .facility]),
        (.staffChangeRoles, [.groupAdmin: .tenant, .facilityAdmin: .facility]),
        (.staffDeactivate, [.groupAdmin: .tenant, .facilityAdmin: .facility]),
        (.staffResetMFA, [.groupAdmin: .tenant, .facilityAdmin: .facility]),
        (.groupAdminResetMFA, [.platformAdmin: .platform]),
        (.auditRead, [.groupAdmin: .tenant, .facilityAdmin: .facility]),
        (.patientCreate, [.groupAdmin: .tenant, .facilityAdmin: .facility, .receptionist: .facility, .doctor: .facility]),
        (.patientRead, [.groupAdmin: .tenant, .facilityAdmin: .tenant, .receptionist: .tenant, .billing: .tenant,
                        .doctor: .careTeam, .nurse: .facility, .patient: .self]),
        (.patientReadClinical, [.doctor: .careTeam, .nurse: .facility, .patient: .self]),
        (.patientUpdate, [.groupAdmin: .tenant, .facilityAdmin: .tenant, .receptionist: .tenant, .doctor: .careTeam, .patient: .self]),
        (.patientUpdateClinical, [.doctor: .careTeam, .nurse: .facility]),
        (.patientDelete, [.groupAdmin: .tenant, .facilityAdmin: .facility]),
        // A patient's data export (issue 16): the patient themself, or an admin acting for them
        // where they run the patient's facility; the clinical parts still follow `patient.read_clinical`.
        (.patientExport, [.groupAdmin: .tenant, .facilityAdmin: .facility, .patient: .self]),
        (.patientErase, [.groupAdmin: .tenant]),
        (.careRelationshipManage, [.groupAdmin: .tenant, .facilityAdmin: .tenant, .receptionist: .tenant, .doctor: .careTeam]),
        (.careRelationshipChoose, [.patient: .self]),
        (.profileRead, [.platformAdmin: .self, .groupAdmin: .self, .facilityAdmin: .self, .doctor: .self,
                        .nurse: .self, .receptionist: .self, .billing: .self, .patient: .self]),
        // Scheduling. `self` on a doctor's schedule or appointment = the doctor themself; on an
        // appointment = also the patient whose account it is.
        (.staffProfileRead, [.groupAdmin: .tenant, .facilityAdmin: .tenant, .doctor: .tenant, .nurse: .tenant,
                             .receptionist: .tenant, .billing: .tenant]),
        (.staffProfileUpdate, [.groupAdmin: .tenant, .facilityAdmin: .facility, .doctor: .self]),
        (.availabilityRead, [.groupAdmin: .tenant, .facilityAdmin: .tenant, .doctor: .tenant, .nurse: .tenant, .receptionist: .tenant]),
        (.availabilityManage, [.groupAdmin: .tenant, .facilityAdmin: .facility, .doctor: .self]),
        (.slotRead, [.groupAdmin: .tenant, .facilityAdmin: .tenant, .doctor: .tenant, .nurse: .tenant, .receptionist: .tenant,
                     .patient: .tenant]),
        (.appointmentBook, [.groupAdmin: .tenant, .facilityAdmin: .facility, .doctor: .self, .receptionist: .facility, .patient: .self]),
        (.appointmentRead, [.groupAdmin: .tenant, .facilityAdmin: .facility, .doctor: .self, .nurse: .facility,
                            .receptionist: .facility, .patient: .self]),
        (.appointmentManage, [.groupAdmin: .tenant, .facilityAdmin: .facility, .doctor: .self, .receptionist: .facility]),
        (.appointmentCancel, [.groupAdmin: .tenant, .facilityAdmin: .facility, .doctor: .self, .receptionist: .facility,
                              .patient: .self]),
        (.shiftRead, [.groupAdmin: .tenant, .facilityAdmin: .facility, .doctor: .facility, .nurse: .facility, .receptionist: .facility]),
        (.shiftManage, [.groupAdmin: .tenant, .facilityAdmin: .facility]),
        // Records, notes, documents: read with `patient.read_clinical`, records and documents
        // written with `patient.update_clinical`; visit notes are doctors' alone.
        (.visitNoteCreate, [.doctor: .careTeam]),
        // Integrations and the outbox: the group admin runs the tenant's configuration.
        (.integrationRead, [.groupAdmin: .tenant]),
        (.outboxRead, [.groupAdmin: .tenant]),
        (.outboxManage, [.groupAdmin: .tenant]),
        (.deviceManage, [.groupAdmin: .self, .facilityAdmin: .self, .doctor: .self, .nurse: .self, .receptionist: .self,
                         .billing: .self, .patient: .self]),
        // Predictions are computed from the measurements in the request; they touch a patient only
        // when `patient_id` is given, and then `patient.update_clinical` decides (PRODUCT §1).
        (.predictionRun, [.doctor: .tenant, .nurse: .tenant]),
        // Care steps follow the notes they come from (`patient.read_clinical`); the patient sees
        // and checks in their own, whether or not the note was shared with them.
        (.careStepRead, [.doctor: .careTeam, .nurse: .facility, .patient: .self]),
        (.careStepCheckIn, [.doctor: .careTeam, .nurse: .facility, .patient: .self]),
        // A prescription analysis is written on the patient's record: as `patient.update_clinical`.
        (.prescriptionAnalyze, [.doctor: .careTeam, .nurse: .facility]),
        // Admissions (issue 14): the clinical roles of a facility admit and discharge; the
        // reason and summary follow `patient.read_clinical`.
        (.wardRead, [.groupAdmin: .tenant, .facilityAdmin: .facility, .doctor: .facility, .nurse: .facility,
                     .receptionist: .facility]),
        (.wardManage, [.groupAdmin: .tenant, .facilityAdmin: .facility]),
        (.admissionRead, [.groupAdmin: .tenant, .facilityAdmin: .facility, .doctor: .facility, .nurse: .facility,
                          .receptionist: .facility, .billing: .facility, .patient: .self]),
        (.admissionManage, [.doctor: .facility, .nurse: .facility]),
        // Billing: the billing role at its facilities; the patient reads and pays their own.
        (.invoiceRead, [.groupAdmin: .tenant, .facilityAdmin: .facility, .billing: .facility, .patient: .self]),
        (.invoiceManage, [.groupAdmin: .tenant, .billing: .facility]),
        (.invoicePay, [.billing: .facility, .patient: .self]),
        (.claimRead, [.groupAdmin: .tenant, .facilityAdmin: .facility, .billing: .facility, .patient: .self]),
        (.claimManage, [.groupAdmin: .tenant, .billing: .facility]),
        // Analytics and exports: admins in their scope; billing for revenue.
        (.analyticsRead, [.groupAdmin: .tenant, .facilityAdmin: .facility]),
        (.analyticsRevenueRead, [.groupAdmin: .tenant, .facilityAdmin: .facility, .billing: .facility]),
        (.exportRun, [.groupAdmin: .tenant, .facilityAdmin: .facility, .billing: .facility]),
    ]

    private static let index: [Action: [Role: PermissionScope]] = Dictionary(
        uniqueKeysWithValues: table.map { ($0.action, $0.grants) })

    public static func scope(of role: Role, for action: Action) -> PermissionScope? {
        index[action]?[role]
    }

    /// The table as Markdown, as the README shows it.
    public static func markdownTable() -> String {
        let roles = Role.allCases
        var lines = ["| action | " + roles.map(\.rawValue).joined(separator: " | ") + " |"]
        lines.append("|---|" + roles.map { _ in "---" }.joined(separator: "|") + "|")
        for row in table {
            let cells = roles.map { row.grants[$0]?.rawValue ?? "–" }
            lines.append("| `\(row.action.rawValue)` | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
