import Foundation

/// A patient as a caller writes it: plaintext, validated. Absent optionals on update mean
/// "unchanged" (see `PatientChanges`).
public struct PatientInput: Sendable, Equatable {
    public var givenName: String
    public var familyName: String
    /// YYYY-MM-DD.
    public var birthDate: String?
    /// When only the age is known (the seed contract): the year is kept, the date is not.
    public var birthYear: Int?
    public var sex: Patient.Sex
    public var phone: String?
    public var email: String?
    public var nationalID: String?
    public var homeFacilityID: UUID?
    public var details: PatientDetails
    public var conditions: [ConditionInput]
    /// The channels reminders use; nil = not chosen (SMS when a phone is known).
    public var notificationChannels: [NotificationChannel]?

    public init(givenName: String, familyName: String, birthDate: String? = nil, birthYear: Int? = nil, sex: Patient.Sex,
                phone: String? = nil, email: String? = nil, nationalID: String? = nil, homeFacilityID: UUID? = nil,
                details: PatientDetails = PatientDetails(), conditions: [ConditionInput] = [],
                notificationChannels: [NotificationChannel]? = nil) {
        self.notificationChannels = notificationChannels
        self.givenName = givenName
        self.familyName = familyName
        self.birthDate = birthDate
        self.birthYear = birthYear
        self.sex = sex
        self.phone = phone
        self.email = email
        self.nationalID = nationalID
        self.homeFacilityID = homeFacilityID
        self.details = details
        self.conditions = conditions
    }

    /// Sets clinical content (blood type, allergies, conditions): registering it needs
    /// `patient.update_clinical`, as changing it does.
    public var touchesClinical: Bool { details.bloodType != nil || !details.allergies.isEmpty || !conditions.isEmpty }
}

/// One diagnosis: an ICD-10 code and an optional free-text note.
public struct ConditionInput: Sendable, Equatable, Codable {
    public var code: String
    public var note: String?

    public init(code: String, note: String?) {
        self.code = code
        self.note = note
    }

    public static let icd10Pattern = #"^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$"#
}

/// A partial update: each non-nil member replaces that part of the patient.
public struct PatientChanges: Sendable {
    public var givenName: String?
    public var familyName: String?
    public var birthDate: String??
    public var sex: Patient.Sex?
    public var phone: String??
    public var email: String??
    public var nationalID: String??
    public var homeFacilityID: UUID??
    public var address: String??
    public var insurance: PatientDetails.Insurance??
    public var emergencyContact: PatientDetails.EmergencyContact??
    // Clinical: need `patient.update_clinical`.
    public var bloodType: String??
    public var allergies: [String]?
    public var conditions: [ConditionInput]?
    public var notificationChannels: [NotificationChannel]??

    public init() {}

    public var touchesClinical: Bool { bloodType != nil || allergies != nil || conditions != nil }
    public var touchesDemographics: Bool {
        givenName != nil || familyName != nil || birthDate != nil || sex != nil || phone != nil || email != nil
            || nationalID != nil || homeFacilityID != nil || address != nil || insurance != nil || emergencyContact != nil
            || notificationChannels != nil
    }
}

/// A patient opened for one reader: clinical parts only when the reader may see them.
public struct PatientView: Sendable {
    public let patient: Patient
    public let mrn: String
    public let givenName: String
    public let familyName: String
    public let birthDate: String?
    public let phone: String?
    public let email: String?
    public let nationalID: String?
    public let address: String?
    public let insurance: PatientDetails.Insurance?
    public let emergencyContact: PatientDetails.EmergencyContact?
    /// The channels reminders go by (the patient's choice, or the default).
    public let notificationChannels: [NotificationChannel]
    /// Nil when the reader may not see clinical content.
    public let clinical: Clinical?

    public struct Clinical: Sendable {
        public let bloodType: String?
        public let allergies: [String]
        public let conditions: [ConditionInput]
    }
}

/// Search and filters (PRODUCT §7). Identifying criteria are matched through blind indexes.
public struct PatientQuery: Sendable {
    public var mrn: String?
    public var nationalID: String?
    public var phone: String?
    public var email: String?
    /// Every word must match a word of the name.
    public var name: String?
    public var birthYearFrom: Int?
    public var birthYearTo: Int?
    public var sex: Patient.Sex?
    public var conditionCode: String?
    public var facilityID: UUID?
    public var doctorID: UUID?
    /// Registration order (ids are time-ordered), newest first when set.
    public var newestFirst = false

    public init() {}
}
