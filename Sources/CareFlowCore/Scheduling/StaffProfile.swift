import FluentKit
import Foundation

/// What a staff member shows at one facility: specialization, licence, experience, fee, bio.
/// One per (user, facility); none of it is PHI, so nothing is sealed.
public final class StaffProfile: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "staff_profiles"
    public static var tenantIDField: KeyPath<StaffProfile, FieldProperty<StaffProfile, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "facility_id") public var facilityID: UUID
    @OptionalField(key: "specialization") public var specialization: String?
    /// The specialization folded for case-insensitive filters.
    @OptionalField(key: "specialization_key") public var specializationKey: String?
    @OptionalField(key: "licence_number") public var licenceNumber: String?
    @OptionalField(key: "years_of_experience") public var yearsOfExperience: Int?
    /// In minor units of the tenant's currency.
    @OptionalField(key: "consultation_fee") public var consultationFee: Int?
    @OptionalField(key: "bio") public var bio: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(tenantID: UUID, userID: UUID, facilityID: UUID) {
        self.tenantID = tenantID
        self.userID = userID
        self.facilityID = facilityID
    }

    public static func specializationKey(_ specialization: String?) -> String? {
        specialization.map { $0.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased() }
    }
}

/// The editable members of a staff profile; `PUT` replaces all of them.
public struct StaffProfileInput: Sendable, Equatable {
    public var specialization: String?
    public var licenceNumber: String?
    public var yearsOfExperience: Int?
    public var consultationFee: Int?
    public var bio: String?

    public init(specialization: String? = nil, licenceNumber: String? = nil, yearsOfExperience: Int? = nil,
                consultationFee: Int? = nil, bio: String? = nil) {
        self.specialization = specialization
        self.licenceNumber = licenceNumber
        self.yearsOfExperience = yearsOfExperience
        self.consultationFee = consultationFee
        self.bio = bio
    }
}
