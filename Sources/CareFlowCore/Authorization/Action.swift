/// Everything the API lets someone do, named for the policy table.
public enum Action: String, Sendable, CaseIterable, Codable {
    case tenantCreate = "tenant.create"
    case tenantList = "tenant.list"
    case tenantSuspend = "tenant.suspend"
    case facilityCreate = "facility.create"
    case facilityRead = "facility.read"
    case staffRead = "staff.read"
    case staffInvite = "staff.invite"
    case staffChangeRoles = "staff.change_roles"
    case staffDeactivate = "staff.deactivate"
    case staffResetMFA = "staff.reset_mfa"
    /// Clearing a group admin's TOTP: the platform operator's alone (no tenant admin outranks one).
    case groupAdminResetMFA = "group_admin.reset_mfa"
    case auditRead = "audit.read"
    case patientCreate = "patient.create"
    /// Demographics: names, birth date, sex, contact, address, insurance, identifiers.
    case patientRead = "patient.read"
    /// Clinical content: conditions, allergies, blood type (and records, notes, documents).
    case patientReadClinical = "patient.read_clinical"
    case patientUpdate = "patient.update"
    case patientUpdateClinical = "patient.update_clinical"
    case patientDelete = "patient.delete"
    /// A patient's own data as one archive (HIPAA right of access, GDPR Art. 15): the patient,
    /// or an admin acting for them. Each part of the archive still needs its own read action.
    case patientExport = "patient.export"
    /// GDPR Art. 17 erasure by crypto-shredding: irreversible, so the group admin's alone.
    case patientErase = "patient.erase"
    case careRelationshipManage = "care_relationship.manage"
    /// A patient choosing their own primary doctor, where the tenant allows it.
    case careRelationshipChoose = "care_relationship.choose"
    case profileRead = "profile.read"
    /// Staff profiles (specialization, licence, fee, bio) and the doctor directory.
    case staffProfileRead = "staff_profile.read"
    case staffProfileUpdate = "staff_profile.update"
    /// Doctors' weekly schedules and their exceptions (leave, holidays).
    case availabilityRead = "availability.read"
    case availabilityManage = "availability.manage"
    /// A doctor's free slots on a day.
    case slotRead = "slot.read"
    case appointmentBook = "appointment.book"
    /// Appointments without their reason; the reason follows `patient.read_clinical`.
    case appointmentRead = "appointment.read"
    /// Confirm, complete, mark no-show.
    case appointmentManage = "appointment.manage"
    case appointmentCancel = "appointment.cancel"
    case shiftRead = "shift.read"
    case shiftManage = "shift.manage"
    /// Writing a visit note: doctors only (records and documents follow `patient.update_clinical`).
    case visitNoteCreate = "visit_note.create"
    /// Which adapter serves each capability, its non-secret settings and health.
    case integrationRead = "integration.read"
    /// The outbox rows (without their sealed payload), dead letters included.
    case outboxRead = "outbox.read"
    /// Re-queueing a dead letter.
    case outboxManage = "outbox.manage"
    /// Registering and removing one's own push devices.
    case deviceManage = "device.manage"
    /// Running a predictive model (PRODUCT §10). Storing the result on a patient's record also
    /// needs `patient.update_clinical` on that patient.
    case predictionRun = "prediction.run"
    /// A patient's care steps (from their visit notes) and their check-ins.
    case careStepRead = "care_step.read"
    /// Checking a care step in: the patient, or their care team on their behalf.
    case careStepCheckIn = "care_step.check_in"
    /// Reading a prescription into medicines and interactions, stored on the patient's record:
    /// the clinicians who may write that patient's records.
    case prescriptionAnalyze = "prescription.analyze"
    /// Wards and their beds (issue 14): reading them, and creating or resizing them.
    case wardRead = "ward.read"
    case wardManage = "ward.manage"
    /// Admissions without their reason and summary (those follow `patient.read_clinical`).
    case admissionRead = "admission.read"
    /// Admitting and discharging: the clinical roles of the facility.
    case admissionManage = "admission.manage"
    /// Invoices with their lines; a patient reads their own.
    case invoiceRead = "invoice.read"
    /// Creating, finalizing, voiding and refunding invoices.
    case invoiceManage = "invoice.manage"
    /// Starting a payment of an open invoice with the tenant's payments adapter.
    case invoicePay = "invoice.pay"
    /// Insurance claims with their history.
    case claimRead = "claim.read"
    /// Submitting claims and moving them along their states.
    case claimManage = "claim.manage"
    /// Operational analytics (admissions, occupancy, appointments, no-shows, high-risk patients).
    case analyticsRead = "analytics.read"
    /// The revenue metric: money, so billing reads it as well as the admins.
    case analyticsRevenueRead = "analytics.read_revenue"
    /// CSV and PDF exports; each dataset also needs the read action of its rows.
    case exportRun = "export.run"
}
