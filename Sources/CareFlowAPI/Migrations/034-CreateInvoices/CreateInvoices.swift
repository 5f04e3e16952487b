import Fluent
import SQLKit

/// `invoices`, `invoice_lines`, `invoice_sequences` and `invoice_refunds` (issue 14).
///
/// Amounts are integers in the currency's minor unit. An invoice gets its number when it is
/// finalized, from `invoice_sequences` (one row per facility and year, incremented in the
/// finalizing transaction), so numbers are gap-free: a draft that is never finalized takes none.
/// Line descriptions are sealed (they name the care given); amounts, states and times are in
/// clear for lists and revenue analytics. A payment is matched to its invoice by the provider's
/// PaymentIntent id, unique per tenant.
struct CreateInvoices: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("invoices")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("facility_id", .uuid, .required, .references("facilities", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("number", .string)
            .field("status", .string, .required)
            .field("currency", .string, .required)
            .field("subtotal", .int64, .required)
            .field("tax", .int64, .required)
            .field("total", .int64, .required)
            .field("amount_paid", .int64, .required)
            .field("amount_refunded", .int64, .required)
            .field("appointment_id", .uuid, .references("appointments", "id"))
            .field("admission_id", .uuid, .references("admissions", "id"))
            .field("payment_provider", .string)
            .field("provider_payment_id", .string)
            .field("checkout_session_id", .string)
            .field("last_event_created", .int64)
            .field("issued_at", .datetime)
            .field("paid_at", .datetime)
            .field("voided_at", .datetime)
            .field("created_by", .uuid)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime)
            .create()
        try await SecondaryIndex.create("invoices_patient", on: "invoices", columns: ["tenant_id", "patient_id", "created_at"], db: db)
        try await SecondaryIndex.create("invoices_facility", on: "invoices", columns: ["tenant_id", "facility_id", "created_at"], db: db)
        try await SecondaryIndex.create("invoices_paid", on: "invoices", columns: ["tenant_id", "facility_id", "paid_at"], db: db)
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("CREATE UNIQUE INDEX invoices_number ON invoices (tenant_id, number) WHERE number IS NOT NULL").run()
        try await sql.raw("""
            CREATE UNIQUE INDEX invoices_provider_payment ON invoices (tenant_id, provider_payment_id) WHERE provider_payment_id IS NOT NULL
            """).run()

        try await db.schema("invoice_lines")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("invoice_id", .uuid, .required, .references("invoices", "id"))
            .field("position", .int, .required)
            .field("description_sealed", .string, .required)
            .field("quantity", .int, .required)
            .field("unit_amount", .int64, .required)
            .field("tax_rate_bps", .int, .required)
            .field("amount", .int64, .required)
            .field("tax", .int64, .required)
            .unique(on: "invoice_id", "position")
            .create()

        try await db.schema("invoice_sequences")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("facility_id", .uuid, .required, .references("facilities", "id"))
            .field("year", .int, .required)
            .field("last_number", .int, .required)
            .unique(on: "facility_id", "year")
            .create()

        try await db.schema("invoice_refunds")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("invoice_id", .uuid, .required, .references("invoices", "id"))
            .field("facility_id", .uuid, .required, .references("facilities", "id"))
            .field("provider_refund_id", .string)
            .field("amount", .int64, .required)
            .field("currency", .string, .required)
            .field("status", .string, .required)
            .field("requested_by", .uuid)
            .field("refunded_at", .datetime, .required)
            .create()
        try await SecondaryIndex.create("invoice_refunds_invoice", on: "invoice_refunds", columns: ["tenant_id", "invoice_id"], db: db)
        try await SecondaryIndex.create("invoice_refunds_facility", on: "invoice_refunds", columns: ["tenant_id", "facility_id", "refunded_at"], db: db)
        try await sql.raw("""
            CREATE UNIQUE INDEX invoice_refunds_provider ON invoice_refunds (tenant_id, provider_refund_id) WHERE provider_refund_id IS NOT NULL
            """).run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("invoice_refunds").delete()
        try await db.schema("invoice_sequences").delete()
        try await db.schema("invoice_lines").delete()
        try await db.schema("invoices").delete()
    }
}
