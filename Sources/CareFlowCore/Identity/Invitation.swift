import FluentKit
import Foundation

/// A single-use, expiring link that lets a person set their password and join a facility with
/// the roles they were invited to. Only the token's SHA-256 is stored.
public final class Invitation: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "invitations"
    public static var tenantIDField: KeyPath<Invitation, FieldProperty<Invitation, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "user_id") public var userID: UUID
    @OptionalField(key: "facility_id") public var facilityID: UUID?
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "purpose") public var purpose: Purpose
    @OptionalField(key: "invited_by") public var invitedBy: UUID?
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "accepted_at") public var acceptedAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public enum Purpose: String, Codable, Sendable {
        case invitation
        case passwordReset = "password_reset"
        /// A self-registered patient proving the mailbox is theirs before the first login.
        case emailVerification = "email_verification"
    }

    public init() {}

    public init(tenantID: UUID, userID: UUID, facilityID: UUID?, tokenHash: String, purpose: Purpose, invitedBy: UUID?, expiresAt: Date) {
        self.tenantID = tenantID
        self.userID = userID
        self.facilityID = facilityID
        self.tokenHash = tokenHash
        self.purpose = purpose
        self.invitedBy = invitedBy
        self.expiresAt = expiresAt
    }
}
