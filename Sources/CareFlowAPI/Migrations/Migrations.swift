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
    ]
}
