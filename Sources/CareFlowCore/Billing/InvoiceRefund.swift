import FluentKit
import Foundation

/// Money given back on a paid invoice, as the payments adapter reports it. Revenue analytics
/// subtract succeeded refunds at `refunded_at`.
public final class InvoiceRefund: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "invoice_refunds"
    public static var tenantIDField: KeyPath<InvoiceRefund, FieldProperty<InvoiceRefund, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "invoice_id") public var invoiceID: UUID
    @Field(key: "facility_id") public var facilityID: UUID
    /// The provider's refund id (`re_…`); nil for a refund only the webhook has reported.
    @OptionalField(key: "provider_refund_id") public var providerRefundID: String?
    @Field(key: "amount") public var amount: Int
    @Field(key: "currency") public var currency: String
    /// `pending`, `succeeded`, `failed`, `canceled`.
    @Field(key: "status") public var status: String
    @OptionalField(key: "requested_by") public var requestedBy: UUID?
    @Field(key: "refunded_at") public var refundedAt: Date

    public init() {}
}
