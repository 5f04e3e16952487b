import FluentKit
import Foundation

/// A doctor's responsibility for a patient: primary, specialist referral (with the referring
/// doctor), or temporary (until an end date). It is what lets a doctor read the patient.
public final class CareRelationship: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "care_relationships"
    public static var tenantIDField: KeyPath<CareRelationship, FieldProperty<CareRelationship, UUID>> { \.$tenantID }

    public enum Kind: String, Codable, Sendable, CaseIterable {
        case primary, referral, temporary
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "doctor_id") public var doctorID: UUID
    @Field(key: "kind") public var kind: Kind
    @OptionalField(key: "referred_by") public var referredBy: UUID?
    @OptionalField(key: "ends_on") public var endsOn: Date?
    @OptionalField(key: "ended_at") public var endedAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(tenantID: UUID, patientID: UUID, doctorID: UUID, kind: Kind, referredBy: UUID?, endsOn: Date?) {
        self.tenantID = tenantID
        self.patientID = patientID
        self.doctorID = doctorID
        self.kind = kind
        self.referredBy = referredBy
        self.endsOn = endsOn
    }

    public func isActive(at now: Date = Date()) -> Bool {
        endedAt == nil && (endsOn.map { $0 > now } ?? true)
    }
}
