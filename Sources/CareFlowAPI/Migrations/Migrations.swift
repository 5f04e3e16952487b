import CareFlowCore
import Fluent

/// Every migration, in order. The same list runs on SQLite and PostgreSQL.
enum CareFlowMigrations {
    static let all: [any Migration] = [
        CreateTenants(),
        CreateWrappedKeys(),
        CreateFacilities(),
        CreatePlatformAdmins(),
        CreateUsers(),
        CreateRoleAssignments(),
        CreateAuthSessions(),
        CreateInvitations(),
        CreateAuditEvents(),
        CreateMFATables(),
        CreatePatients(),
        CreateAppointments(),
        CreateMedicalRecords(),
        CreateVisitNotes(),
        CreateDocuments(),
        CreateStaffProfiles(),
        CreateAvailability(),
        CreateShifts(),
        CreateIdempotencyRecords(),
        CreateWebhookTables(),
        CreateOutboxMessages(),
        AddPatientListIndex(),
        CreateDevices(),
        CreateRiskAssessments(),
        AddUserProfileFields(),
        AddAppointmentListIndexes(),
    ]

    /// Migrations that seal existing values need the tenants' keys: `configure` adds them, after
    /// the list above, once it has built the key ring.
    static func sealing(keyring: Keyring) -> [any Migration] {
        [
            SealPatientConditionCodes(keyring: keyring),
            SealIdempotencyResponses(keyring: keyring),
        ]
    }
}
