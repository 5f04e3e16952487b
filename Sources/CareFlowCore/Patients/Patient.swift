import FluentKit
import Foundation

/// A patient of a tenant (the group shares its patients' records), with a home facility.
/// Every identifying or clinical value is sealed under the tenant's data key; exact-match
/// search goes through blind indexes; only non-identifying filter columns (birth year, sex,
/// home facility) are in clear.
public final class Patient: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "patients"
    public static var tenantIDField: KeyPath<Patient, FieldProperty<Patient, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @OptionalField(key: "home_facility_id") public var homeFacilityID: UUID?
    /// The account of the patient themself, when they have one (role `patient`).
    @OptionalField(key: "user_id") public var userID: UUID?

    @Field(key: "mrn_sealed") public var mrnSealed: Sealed<String>
    @Field(key: "mrn_index") public var mrnIndex: String
    @Field(key: "given_name_sealed") public var givenNameSealed: Sealed<String>
    @Field(key: "family_name_sealed") public var familyNameSealed: Sealed<String>
    @OptionalField(key: "birth_date_sealed") public var birthDateSealed: Sealed<String>?
    /// In clear for age-range filters; the full date stays sealed.
    @OptionalField(key: "birth_year") public var birthYear: Int?
    @Field(key: "sex") public var sex: Sex
    @OptionalField(key: "phone_sealed") public var phoneSealed: Sealed<String>?
    @OptionalField(key: "phone_index") public var phoneIndex: String?
    @OptionalField(key: "email_sealed") public var emailSealed: Sealed<String>?
    @OptionalField(key: "email_index") public var emailIndex: String?
    @OptionalField(key: "national_id_sealed") public var nationalIDSealed: Sealed<String>?
    @OptionalField(key: "national_id_index") public var nationalIDIndex: String?
    /// Address, insurance, emergency contact, blood type, allergies: one sealed JSON document,
    /// since none of them is searched.
    @Field(key: "details_sealed") public var detailsSealed: Sealed<PatientDetails>
    /// Comma-separated `NotificationChannel`s for reminders; nil = not chosen (SMS when a phone
    /// is known, see `Patient.reminderChannels`).
    @OptionalField(key: "notification_channels") public var notificationChannels: String?
    @OptionalField(key: "deleted_at") public var deletedAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public enum Sex: String, Codable, Sendable, CaseIterable {
        case female, male, other, unknown
    }
}

/// The parts of a patient that are sealed together.
public struct PatientDetails: Codable, Sendable, Equatable {
    public var address: String?
    public var insurance: Insurance?
    public var emergencyContact: EmergencyContact?
    public var bloodType: String?
    public var allergies: [String]

    public init(address: String? = nil, insurance: Insurance? = nil, emergencyContact: EmergencyContact? = nil,
                bloodType: String? = nil, allergies: [String] = []) {
        self.address = address
        self.insurance = insurance
        self.emergencyContact = emergencyContact
        self.bloodType = bloodType
        self.allergies = allergies
    }

    public struct Insurance: Codable, Sendable, Equatable {
        public var provider: String
        public var policyNumber: String

        public init(provider: String, policyNumber: String) {
            self.provider = provider
            self.policyNumber = policyNumber
        }
    }

    public struct EmergencyContact: Codable, Sendable, Equatable {
        public var name: String
        public var phone: String
        public var relationship: String?

        public init(name: String, phone: String, relationship: String?) {
            self.name = name
            self.phone = phone
            self.relationship = relationship
        }
    }
}
