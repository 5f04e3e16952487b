import FluentKit
import Foundation

/// A bill to a patient for care at one facility (issue 14). Amounts are integers in the
/// currency's minor unit, computed by the server from the lines. The number
/// (`INV-<facility code>-<year>-<seq>`) is given at finalization from `InvoiceSequence`.
public final class Invoice: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "invoices"
    public static var tenantIDField: KeyPath<Invoice, FieldProperty<Invoice, UUID>> { \.$tenantID }

    /// Only forward: `draft → open → paid | void`, `paid → partially_refunded → refunded`.
    public enum Status: String, Codable, Sendable, CaseIterable {
        case draft, open, paid, void
        case partiallyRefunded = "partially_refunded"
        case refunded
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "facility_id") public var facilityID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @OptionalField(key: "number") public var number: String?
    @Field(key: "status") public var status: Status
    /// ISO 4217, lowercase.
    @Field(key: "currency") public var currency: String
    @Field(key: "subtotal") public var subtotal: Int
    @Field(key: "tax") public var tax: Int
    @Field(key: "total") public var total: Int
    @Field(key: "amount_paid") public var amountPaid: Int
    @Field(key: "amount_refunded") public var amountRefunded: Int
    @OptionalField(key: "appointment_id") public var appointmentID: UUID?
    @OptionalField(key: "admission_id") public var admissionID: UUID?
    /// The payments adapter that holds the payment (as in the tenant file, e.g. `console`).
    @OptionalField(key: "payment_provider") public var paymentProvider: String?
    /// The provider's payment id (`pi_…`): webhooks find the invoice by it.
    @OptionalField(key: "provider_payment_id") public var providerPaymentID: String?
    @OptionalField(key: "checkout_session_id") public var checkoutSessionID: String?
    /// The provider `created` time of the newest payment event applied: an older one is ignored.
    @OptionalField(key: "last_event_created") public var lastEventCreated: Int?
    @OptionalField(key: "issued_at") public var issuedAt: Date?
    @OptionalField(key: "paid_at") public var paidAt: Date?
    @OptionalField(key: "voided_at") public var voidedAt: Date?
    @OptionalField(key: "created_by") public var createdBy: UUID?
    @Field(key: "created_at") public var createdAt: Date
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}
}
