import Fluent
import SQLKit

struct CreatePatients: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("patients")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("home_facility_id", .uuid, .references("facilities", "id"))
            .field("user_id", .uuid, .references("users", "id"))
            .field("mrn_sealed", .string, .required)
            .field("mrn_index", .string, .required)
            .field("given_name_sealed", .string, .required)
            .field("family_name_sealed", .string, .required)
            .field("birth_date_sealed", .string)
            .field("birth_year", .int)
            .field("sex", .string, .required)
            .field("phone_sealed", .string)
            .field("phone_index", .string)
            .field("email_sealed", .string)
            .field("email_index", .string)
            .field("national_id_sealed", .string)
            .field("national_id_index", .string)
            .field("details_sealed", .string, .required)
            .field("deleted_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "tenant_id", "mrn_index")
            .create()
        for (name, columns) in [
            ("patients_tenant_id", ["tenant_id"]), ("patients_phone", ["tenant_id", "phone_index"]),
            ("patients_email", ["tenant_id", "email_index"]), ("patients_national_id", ["tenant_id", "national_id_index"]),
            ("patients_filters", ["tenant_id", "birth_year", "sex"]), ("patients_home_facility", ["tenant_id", "home_facility_id"]),
        ] {
            try await SecondaryIndex.create(name, on: "patients", columns: columns, db: db)
        }
        try await db.schema("patient_conditions")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("code", .string, .required)
            .field("note_sealed", .string)
            .create()
        try await SecondaryIndex.create("patient_conditions_code", on: "patient_conditions", columns: ["tenant_id", "code"], db: db)
        try await SecondaryIndex.create("patient_conditions_patient", on: "patient_conditions", columns: ["patient_id"], db: db)
        try await db.schema("patient_name_tokens")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("token_index", .string, .required)
            .create()
        try await SecondaryIndex.create("patient_name_tokens_lookup", on: "patient_name_tokens", columns: ["tenant_id", "token_index"], db: db)
        try await SecondaryIndex.create("patient_name_tokens_patient", on: "patient_name_tokens", columns: ["patient_id"], db: db)
        try await db.schema("mrn_sequences")
            .field("tenant_id", .uuid, .identifier(auto: false), .references("tenants", "id"))
            .field("next_value", .int64, .required)
            .create()
        try await db.schema("care_relationships")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("doctor_id", .uuid, .required, .references("users", "id"))
            .field("kind", .string, .required)
            .field("referred_by", .uuid, .references("users", "id"))
            .field("ends_on", .datetime)
            .field("ended_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await SecondaryIndex.create("care_relationships_patient", on: "care_relationships", columns: ["tenant_id", "patient_id"], db: db)
        try await SecondaryIndex.create("care_relationships_doctor", on: "care_relationships", columns: ["tenant_id", "doctor_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        for table in ["care_relationships", "mrn_sequences", "patient_name_tokens", "patient_conditions", "patients"] {
            try await db.schema(table).delete()
        }
    }
}
