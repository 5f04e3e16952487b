/// The name of something the audit trail records (`audit_events.action`). Every name is one of
/// the constants below, so a call site cannot misspell one and the whole vocabulary is in one
/// place; new names are added here. The stored value is the `rawValue`, unchanged from the
/// strings written before the names were typed.
public struct AuditAction: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    /// Only this module mints names: the catalogue below is the list.
    init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
}

extension AuditAction {
    public static let accessDenied = AuditAction("access.denied")

    public static let admissionCreate = AuditAction("admission.create")
    public static let admissionDischarge = AuditAction("admission.discharge")
    public static let admissionRead = AuditAction("admission.read")

    public static let analyticsRead = AuditAction("analytics.read")

    public static let appointmentBook = AuditAction("appointment.book")
    public static let appointmentCancelled = AuditAction("appointment.cancelled")
    public static let appointmentCompleted = AuditAction("appointment.completed")
    public static let appointmentConfirmed = AuditAction("appointment.confirmed")
    public static let appointmentNoShow = AuditAction("appointment.no_show")

    public static let auditExport = AuditAction("audit.export")

    public static let authEmailVerified = AuditAction("auth.email_verified")
    public static let authLogin = AuditAction("auth.login")
    public static let authLogout = AuditAction("auth.logout")
    public static let authMfa = AuditAction("auth.mfa")
    public static let authPasswordChange = AuditAction("auth.password_change")
    public static let authPasswordForgot = AuditAction("auth.password_forgot")
    public static let authPasswordReset = AuditAction("auth.password_reset")
    public static let authRefreshReuse = AuditAction("auth.refresh_reuse")
    public static let authSessionEnd = AuditAction("auth.session_end")
    public static let authSignup = AuditAction("auth.signup")

    public static let availabilityExceptionCreate = AuditAction("availability.exception.create")
    public static let availabilityExceptionDelete = AuditAction("availability.exception.delete")
    public static let availabilityReplace = AuditAction("availability.replace")

    public static let benchAuditAppend = AuditAction("bench.audit_append")

    public static let careRelationshipChoose = AuditAction("care_relationship.choose")
    public static let careRelationshipCreate = AuditAction("care_relationship.create")
    public static let careRelationshipEnd = AuditAction("care_relationship.end")

    public static let careStepCheckIn = AuditAction("care_step.check_in")
    public static let careStepsCreate = AuditAction("care_steps.create")

    public static let claimRead = AuditAction("claim.read")
    public static let claimSubmitted = AuditAction("claim.submitted")
    public static let claimTransitioned = AuditAction("claim.transitioned")

    public static let deviceRegister = AuditAction("device.register")
    public static let deviceRemove = AuditAction("device.remove")

    public static let documentDelete = AuditAction("document.delete")
    public static let documentUpload = AuditAction("document.upload")

    /// Exports (issue 14): authorized, before the first byte; ended, with the row count.
    public static let exportStarted = AuditAction("export.started")
    public static let exportCompleted = AuditAction("export.completed")

    /// A patient's data export (issue 16), recorded before the first byte with what it holds.
    public static let patientExported = AuditAction("patient.exported")

    public static let facilityCreate = AuditAction("facility.create")

    public static let importPatients = AuditAction("import.patients")

    // Invoice payments and refunds (issue 14).
    public static let invoicePaid = AuditAction("invoice.paid")
    public static let invoicePaymentFailed = AuditAction("invoice.payment_failed")
    public static let invoicePaymentMismatch = AuditAction("invoice.payment_mismatch")
    public static let invoicePaymentSimulate = AuditAction("invoice.payment_simulate")
    public static let invoicePaymentStart = AuditAction("invoice.payment_start")
    public static let invoiceRefund = AuditAction("invoice.refund")
    public static let invoiceRefunded = AuditAction("invoice.refunded")
    public static let invoiceCreated = AuditAction("invoice.created")
    public static let invoiceFinalized = AuditAction("invoice.finalized")
    /// Reading invoices: their lines name the care given, so a PHI read.
    public static let invoiceRead = AuditAction("invoice.read")
    public static let invoiceUpdated = AuditAction("invoice.updated")
    public static let invoiceVoided = AuditAction("invoice.voided")

    public static let invitationAccept = AuditAction("invitation.accept")
    public static let invitationSend = AuditAction("invitation.send")

    public static let keysRotateDataKey = AuditAction("keys.rotate_data_key")
    public static let keysRotateMaster = AuditAction("keys.rotate_master")
    public static let keysRotateSigning = AuditAction("keys.rotate_signing")

    public static let llmRequest = AuditAction("llm.request")

    public static let medicalRecordCreate = AuditAction("medical_record.create")

    public static let mfaCodeRejected = AuditAction("mfa.code_rejected")
    public static let mfaDisabled = AuditAction("mfa.disabled")
    public static let mfaEnrolled = AuditAction("mfa.enrolled")
    public static let mfaEnrolmentStarted = AuditAction("mfa.enrolment_started")
    public static let mfaRecoveryCodesRegenerated = AuditAction("mfa.recovery_codes_regenerated")
    public static let mfaReset = AuditAction("mfa.reset")

    public static let modelActivate = AuditAction("model.activate")
    public static let modelTrain = AuditAction("model.train")

    public static let outboxRequeue = AuditAction("outbox.requeue")

    public static let patientBulkLoad = AuditAction("patient.bulk_load")
    public static let patientCreate = AuditAction("patient.create")
    public static let patientDelete = AuditAction("patient.delete")
    /// GDPR Art. 17 erasure (crypto-shredding); the reason is kept sealed in `patient_erasures`.
    public static let patientErased = AuditAction("patient.erased")
    public static let patientNationalIdRefused = AuditAction("patient.national_id_refused")
    public static let patientUpdate = AuditAction("patient.update")

    public static let phiRead = AuditAction("phi.read")

    public static let platformAdminCreate = AuditAction("platform_admin.create")

    public static let prescriptionAnalyzed = AuditAction("prescription.analyzed")

    public static let profileUpdate = AuditAction("profile.update")

    public static let riskAssessmentCreate = AuditAction("risk_assessment.create")

    public static let roleGrant = AuditAction("role.grant")
    public static let roleRevoke = AuditAction("role.revoke")

    public static let shiftCreate = AuditAction("shift.create")
    public static let shiftDelete = AuditAction("shift.delete")

    public static let wardCreate = AuditAction("ward.create")
    public static let wardUpdate = AuditAction("ward.update")

    public static let smsOptIn = AuditAction("sms.opt_in")
    public static let smsOptOut = AuditAction("sms.opt_out")

    public static let staffRemove = AuditAction("staff.remove")

    public static let staffProfileUpdate = AuditAction("staff_profile.update")

    public static let tenantOnboard = AuditAction("tenant.onboard")
    public static let tenantReactivate = AuditAction("tenant.reactivate")
    public static let tenantSuspend = AuditAction("tenant.suspend")

    public static let visitNoteCreate = AuditAction("visit_note.create")

    public static let webhookRejected = AuditAction("webhook.rejected")

    /// `careflow backup`: recorded in the live trail just before the snapshot, so the archive
    /// carries the record of its own making.
    public static let backupCreate = AuditAction("backup.create")
    /// `careflow restore`: recorded in the restored trail once the restore is complete.
    public static let backupRestore = AuditAction("backup.restore")
}

extension AuditAction {
    /// Every name in the catalogue, for documentation and tests.
    public static let all: [AuditAction] = [
        .accessDenied, .analyticsRead, .appointmentBook, .appointmentCancelled, .appointmentCompleted, .appointmentConfirmed,
        .appointmentNoShow, .auditExport, .authEmailVerified, .authLogin, .authLogout, .authMfa, .authPasswordChange,
        .authPasswordForgot, .authPasswordReset, .authRefreshReuse, .authSessionEnd, .authSignup,
        .availabilityExceptionCreate, .availabilityExceptionDelete, .availabilityReplace, .benchAuditAppend,
        .careRelationshipChoose, .careRelationshipCreate, .careRelationshipEnd, .careStepCheckIn, .careStepsCreate, .deviceRegister, .deviceRemove,
        .claimRead, .claimSubmitted, .claimTransitioned,
        .documentDelete, .documentUpload, .exportCompleted, .exportStarted, .facilityCreate, .importPatients, .invitationAccept, .invitationSend,
        .invoiceCreated, .invoiceFinalized, .invoiceRead, .invoiceUpdated, .invoiceVoided,
        .keysRotateDataKey, .keysRotateMaster, .keysRotateSigning, .llmRequest, .medicalRecordCreate, .mfaCodeRejected,
        .mfaDisabled, .mfaEnrolled, .mfaEnrolmentStarted, .mfaRecoveryCodesRegenerated, .mfaReset, .modelActivate,
        .modelTrain, .outboxRequeue, .patientBulkLoad, .patientCreate, .patientDelete, .patientNationalIdRefused,
        .patientUpdate, .phiRead, .platformAdminCreate, .prescriptionAnalyzed, .profileUpdate, .riskAssessmentCreate, .roleGrant,
        .roleRevoke, .shiftCreate, .shiftDelete, .smsOptIn, .smsOptOut, .staffRemove, .staffProfileUpdate,
        .tenantOnboard, .tenantReactivate, .tenantSuspend, .visitNoteCreate, .webhookRejected,
        .admissionCreate, .admissionDischarge, .admissionRead, .wardCreate, .wardUpdate,
        .invoicePaid, .invoicePaymentFailed, .invoicePaymentMismatch, .invoicePaymentSimulate, .invoicePaymentStart,
        .invoiceRefund, .invoiceRefunded,
        .patientExported,
        .patientErased,
        .backupCreate, .backupRestore,
    ]
}
