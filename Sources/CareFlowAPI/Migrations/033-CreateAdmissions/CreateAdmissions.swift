import Fluent
import SQLKit

/// `wards` and `admissions` (issue 14). A bed holds one patient at a time and a patient lies in
/// one bed at a time: both are partial unique indexes over current admissions, so the database
/// itself refuses the loser of two concurrent admissions, on SQLite and PostgreSQL alike.
/// Reason and summary are sealed; times, ward and bed are in clear for occupancy analytics.
struct CreateAdmissions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("wards")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("facility_id", .uuid, .required, .references("facilities", "id"))
            .field("name", .string, .required)
            .field("beds", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "facility_id", "name")
            .create()
        try await SecondaryIndex.create("wards_facility", on: "wards", columns: ["tenant_id", "facility_id"], db: db)

        try await db.schema("admissions")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("facility_id", .uuid, .required, .references("facilities", "id"))
            .field("ward_id", .uuid, .required, .references("wards", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("bed", .int, .required)
            .field("status", .string, .required)
            .field("admitted_at", .datetime, .required)
            .field("discharged_at", .datetime)
            .field("reason_sealed", .string, .required)
            .field("disposition", .string)
            .field("summary_sealed", .string)
            .field("admitted_by", .uuid)
            .field("discharged_by", .uuid)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await SecondaryIndex.create("admissions_facility_admitted", on: "admissions",
                                        columns: ["tenant_id", "facility_id", "admitted_at"], db: db)
        try await SecondaryIndex.create("admissions_facility_discharged", on: "admissions",
                                        columns: ["tenant_id", "facility_id", "discharged_at"], db: db)
        try await SecondaryIndex.create("admissions_patient", on: "admissions", columns: ["tenant_id", "patient_id"], db: db)
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("CREATE UNIQUE INDEX admissions_one_patient_per_bed ON admissions (ward_id, bed) WHERE status = 'current'").run()
        try await sql.raw("CREATE UNIQUE INDEX admissions_one_bed_per_patient ON admissions (patient_id) WHERE status = 'current'").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("admissions").delete()
        try await db.schema("wards").delete()
    }
}
