import FluentKit
import Foundation

/// A phone number that answered STOP (or START again). The number itself is only a blind index:
/// the outbox checks it before sending an SMS.
public final class SMSOptOut: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "sms_opt_outs"
    public static var tenantIDField: KeyPath<SMSOptOut, FieldProperty<SMSOptOut, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "phone_index") public var phoneIndex: String
    @Field(key: "opted_out") public var optedOut: Bool
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}
}
