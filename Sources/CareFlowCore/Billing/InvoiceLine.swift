import FluentKit
import Foundation

/// One line of an invoice: `amount = quantity × unit_amount`, `tax` from `tax_rate_bps`
/// (hundredths of a percent). The description names the care given and is sealed.
public final class InvoiceLine: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "invoice_lines"
    public static var tenantIDField: KeyPath<InvoiceLine, FieldProperty<InvoiceLine, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "invoice_id") public var invoiceID: UUID
    /// 0-based order on the invoice.
    @Field(key: "position") public var position: Int
    @Field(key: "description_sealed") public var descriptionSealed: Sealed<String>
    @Field(key: "quantity") public var quantity: Int
    @Field(key: "unit_amount") public var unitAmount: Int
    @Field(key: "tax_rate_bps") public var taxRateBps: Int
    @Field(key: "amount") public var amount: Int
    @Field(key: "tax") public var tax: Int

    public init() {}
}
