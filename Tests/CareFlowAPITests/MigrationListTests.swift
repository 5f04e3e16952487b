@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Testing

/// Deployed databases record each migration by name and run the ones they lack, in list order:
/// a renamed migration would run again on every deployed database, a reordered one could run
/// before what it builds on. Moving files between folders must change neither.
@Suite("Migration list")
struct MigrationListTests {
    @Test("names and order are those deployed databases have recorded")
    func namesAndOrder() throws {
        let keyring = Keyring(master: try MasterKeys(keys: [FernetKey.generate()]))
        let names = (CareFlowMigrations.all + CareFlowMigrations.sealing(keyring: keyring) + CareFlowMigrations.isolation).map(\.name)
        #expect(names == [
            "CreateTenants", "CreateWrappedKeys", "CreateFacilities", "CreatePlatformAdmins", "CreateUsers",
            "CreateRoleAssignments", "CreateAuthSessions", "CreateInvitations", "CreateAuditEvents", "CreateMFATables",
            "CreatePatients", "CreateAppointments", "CreateMedicalRecords", "CreateVisitNotes", "CreateDocuments",
            "CreateStaffProfiles", "CreateAvailability", "CreateShifts", "CreateIdempotencyRecords", "CreateWebhookTables",
            "CreateOutboxMessages", "AddPatientListIndex", "CreateDevices", "CreateRiskAssessments", "AddUserProfileFields",
            "AddAppointmentListIndexes", "CreateLLMExchanges", "CreateCareSteps", "CreateReminderDeliveries", "CreatePrescriptionAnalyses",
            "CreateAdmissions", "CreateInvoices", "CreateClaims", "AddAnalyticsIndexes", "AddExportKeysetIndexes",
            "CreateAppointmentHourCounts", "CreateConsoleSessions", "AddFacilityAddress", "CreatePatientKeys",
            "SealPatientConditionCodes", "SealIdempotencyResponses", "EnableRowLevelSecurity",
            "EvaluateTenantSettingOnce", "AddIdempotencyEffectCommitted", "CreateAdmissionHourEvents", "CreateAuditStagedEvents",
        ].map { "CareFlowAPI.\($0)" })
        // Added last, and only when the application connects as a role other than the owner's.
        #expect(CareFlowMigrations.applicationAccess(role: "careflow_app").map(\.name) == ["CareFlowAPI.GrantApplicationRole"])
    }
}
