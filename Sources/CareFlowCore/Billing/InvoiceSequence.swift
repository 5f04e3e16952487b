import FluentKit
import Foundation

/// The last invoice number given at a facility in a year. Incremented in the transaction that
/// finalizes an invoice, so numbers are gap-free per facility and year.
public final class InvoiceSequence: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "invoice_sequences"
    public static var tenantIDField: KeyPath<InvoiceSequence, FieldProperty<InvoiceSequence, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "facility_id") public var facilityID: UUID
    @Field(key: "year") public var year: Int
    @Field(key: "last_number") public var lastNumber: Int

    public init() {}
}
