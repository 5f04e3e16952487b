import CareFlowCore
import Fluent

/// Every migration, in order. The same list runs on SQLite and PostgreSQL.
///
/// Each migration has a folder numbered in that order (`012-CreateAppointments/`), so the
/// folder listing reads as the schema's history; a new one takes the next number and the end of
/// a list. Never rename a migration type: deployed databases record migrations by name.
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
        CreateLLMExchanges(),
        CreateCareSteps(),
        CreateReminderDeliveries(),
        CreatePrescriptionAnalyses(),
        CreateAdmissions(),
        CreateInvoices(),
        CreateClaims(),
        AddAnalyticsIndexes(),
        AddExportKeysetIndexes(),
        CreateAppointmentHourCounts(),
        CreateConsoleSessions(),
        AddFacilityAddress(),
        CreatePatientKeys(),
    ]

    /// Migrations that seal existing values need the tenants' keys: `configure` adds them, after
    /// the list above, once it has built the key ring.
    static func sealing(keyring: Keyring) -> [any Migration] {
        [
            SealPatientConditionCodes(keyring: keyring),
            SealIdempotencyResponses(keyring: keyring),
        ]
    }

    /// After the sealing migrations, which add a `tenant_id` column too (`idempotency_records`):
    /// row-level security covers every tenant table that exists by then. A later migration that
    /// creates a tenant table gives it its policy itself (`RowLevelSecurityTests` insists).
    /// Migrations written since follow, in order.
    static let isolation: [any Migration] = [
        EnableRowLevelSecurity(),
        EvaluateTenantSettingOnce(),
        AddIdempotencyEffectCommitted(),
        CreateAdmissionHourEvents(),
        CreateAuditStagedEvents(),
    ]

    /// When the application connects as a role other than the migrations' (the tables' owner),
    /// `configure` adds this last: that role's row privileges, nothing more.
    static func applicationAccess(role: String) -> [any Migration] {
        [GrantApplicationRole(role: role)]
    }
}
