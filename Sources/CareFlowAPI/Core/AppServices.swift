import CareFlowCore
import Fluent
import Vapor

/// The core services, built once by `configure` and shared by every request.
struct AppServices: Sendable {
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
