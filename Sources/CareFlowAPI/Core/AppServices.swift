import CareFlowCore
import Fluent
import Vapor

/// The core services, built once by `configure` and shared by every request. A class, not a
/// struct: `req.services` is read several times per request, and copying forty fields meant
/// forty retains and releases each time (seen in the predict profile, issue 11).
final class AppServices: Sendable {
    let configuration: AppConfiguration
    let tenants: TenantDirectory
    let audit: AuditLog
    let guardian: AccessGuard
    let signer: AccessTokenSigner
    let signingKeys: SigningKeyStore
    let hasher: any CareFlowCore.PasswordHasher
    let auth: AuthService
    let onboarding: OnboardingService
    let facilities: FacilityService
    let staff: StaffService
    let invitations: InvitationService
    let auditQuery: AuditQuery
    let integrations: IntegrationRegistry
    let outbox: Outbox
    let outboxWorker: OutboxWorker
    /// Appointment and care-step reminders (issue 13), run with the outbox worker.
    let reminders: ReminderScheduler
    let keyring: Keyring
    let mfa: MFAService
    let patientAccess: PatientAccess
    let patients: PatientService
    let careTeam: CareTeamService
    let medicalRecords: MedicalRecordService
    let visitNotes: VisitNoteService
    let documents: DocumentService
    let staffProfiles: StaffProfileService
    let doctors: DoctorDirectory
    let availability: AvailabilityService
    let slots: SlotService
    let appointments: AppointmentService
    let shifts: ShiftService
    let webhooks: WebhookService
    /// Tenant slug ↔ id, remembered for the process.
    let tenantIdentities: TenantIdentities
    let integrationStatus: IntegrationStatusService
    let outboxAdmin: OutboxAdminService
    let devices: DeviceService
    let push: PushService
    let models: ModelRegistry
    let predictions: PredictionService
    let accounts: AccountServices
    /// Every request to a tenant's LLM about a patient (issue 13).
    let llmExchanges: LLMExchangeService
    let careSteps: CareStepService
    let careStepCheckIns: CareStepCheckInService
    let prescriptions: PrescriptionService

    init(
        configuration: AppConfiguration,
        tenants: TenantDirectory,
        audit: AuditLog,
        guardian: AccessGuard,
        signer: AccessTokenSigner,
        signingKeys: SigningKeyStore,
        hasher: any CareFlowCore.PasswordHasher,
        auth: AuthService,
        onboarding: OnboardingService,
        facilities: FacilityService,
        staff: StaffService,
        invitations: InvitationService,
        auditQuery: AuditQuery,
        integrations: IntegrationRegistry,
        outbox: Outbox,
        outboxWorker: OutboxWorker,
        reminders: ReminderScheduler,
        keyring: Keyring,
        mfa: MFAService,
        patientAccess: PatientAccess,
        patients: PatientService,
        careTeam: CareTeamService,
        medicalRecords: MedicalRecordService,
        visitNotes: VisitNoteService,
        documents: DocumentService,
        staffProfiles: StaffProfileService,
        doctors: DoctorDirectory,
        availability: AvailabilityService,
        slots: SlotService,
        appointments: AppointmentService,
        shifts: ShiftService,
        webhooks: WebhookService,
        tenantIdentities: TenantIdentities,
        integrationStatus: IntegrationStatusService,
        outboxAdmin: OutboxAdminService,
        devices: DeviceService,
        push: PushService,
        models: ModelRegistry,
        predictions: PredictionService,
        accounts: AccountServices,
        llmExchanges: LLMExchangeService,
        careSteps: CareStepService,
        careStepCheckIns: CareStepCheckInService,
        prescriptions: PrescriptionService
    ) {
        self.configuration = configuration
        self.tenants = tenants
        self.audit = audit
        self.guardian = guardian
        self.signer = signer
        self.signingKeys = signingKeys
        self.hasher = hasher
        self.auth = auth
        self.onboarding = onboarding
        self.facilities = facilities
        self.staff = staff
        self.invitations = invitations
        self.auditQuery = auditQuery
        self.integrations = integrations
        self.outbox = outbox
        self.outboxWorker = outboxWorker
        self.reminders = reminders
        self.keyring = keyring
        self.mfa = mfa
        self.patientAccess = patientAccess
        self.patients = patients
        self.careTeam = careTeam
        self.medicalRecords = medicalRecords
        self.visitNotes = visitNotes
        self.documents = documents
        self.staffProfiles = staffProfiles
        self.doctors = doctors
        self.availability = availability
        self.slots = slots
        self.appointments = appointments
        self.shifts = shifts
        self.webhooks = webhooks
        self.tenantIdentities = tenantIdentities
        self.integrationStatus = integrationStatus
        self.outboxAdmin = outboxAdmin
        self.devices = devices
        self.push = push
        self.models = models
        self.predictions = predictions
        self.accounts = accounts
        self.llmExchanges = llmExchanges
        self.careSteps = careSteps
        self.careStepCheckIns = careStepCheckIns
        self.prescriptions = prescriptions
    }
}

/// Self-service accounts: signup, password reset, own profile, password and sessions.
struct AccountServices: Sendable {
    let signup: SignupService
    let passwordReset: PasswordResetService
    let profiles: ProfileService
    let passwordChange: PasswordChangeService
    let sessions: OwnSessionsService
}

extension Application {
    private struct ServicesKey: StorageKey {
        typealias Value = AppServices
    }

    var services: AppServices {
        get {
            guard let services = storage[ServicesKey.self] else { fatalError("configure(_:) has not run") }
            return services
        }
        set { storage[ServicesKey.self] = newValue }
    }
}

extension Request {
    var services: AppServices { application.services }

    /// Request id and client address, for the audit trail.
    var origin: RequestOrigin {
        RequestOrigin(requestID: requestID, ip: clientAddress)
    }

    /// The client's address: the peer, or — when the peer is a trusted reverse proxy — the
    /// right-most `X-Forwarded-For` entry that is not itself a trusted proxy.
    var clientAddress: String? {
        services.configuration.trustedProxies.clientAddress(peer: remoteAddress?.ipAddress,
                                                            forwardedFor: headers[.xForwardedFor])
    }
}
