import CareFlowCore
import Vapor

/// The Patient resource of PRODUCT §7. Clinical members are absent for readers who may not
/// see them (receptionists, billing, admins).
struct PatientDTO: JSONContent {
    struct Insurance: Codable, Sendable {
        let provider: String
        let policyNumber: String

        enum CodingKeys: String, CodingKey {
            case provider
            case policyNumber = "policy_number"
        }
    }

    struct EmergencyContact: Codable, Sendable {
        let name: String
        let phone: String
        let relationship: String?
    }

    struct Condition: Codable, Sendable {
        let code: String
        let note: String?
    }

    let id: UUID
    let mrn: String
    let givenName: String
    let familyName: String
    let birthDate: String?
    let birthYear: Int?
    let sex: String
    let phone: String?
    let email: String?
    let nationalID: String?
    let address: String?
    let insurance: Insurance?
    let emergencyContact: EmergencyContact?
    let bloodType: String?
    let allergies: [String]?
    let conditions: [Condition]?
    let homeFacilityID: UUID?
    let notificationChannels: [String]
    let createdAt: Date?
    let updatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, mrn, sex, phone, email, address, insurance, allergies, conditions
        case givenName = "given_name"
        case familyName = "family_name"
        case birthDate = "birth_date"
        case birthYear = "birth_year"
        case nationalID = "national_id"
        case emergencyContact = "emergency_contact"
        case bloodType = "blood_type"
        case homeFacilityID = "home_facility_id"
        case notificationChannels = "notification_channels"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

extension PatientDTO {
    init(_ v: PatientView) {
        id = v.patient.id!
        mrn = v.mrn
        givenName = v.givenName
        familyName = v.familyName
        birthDate = v.birthDate
        birthYear = v.patient.birthYear
        sex = v.patient.sex.rawValue
        phone = v.phone
        email = v.email
        nationalID = v.nationalID
        address = v.address
        insurance = v.insurance.map { Insurance(provider: $0.provider, policyNumber: $0.policyNumber) }
        emergencyContact = v.emergencyContact.map { EmergencyContact(name: $0.name, phone: $0.phone, relationship: $0.relationship) }
        bloodType = v.clinical?.bloodType
        allergies = v.clinical?.allergies
        conditions = v.clinical?.conditions.map { Condition(code: $0.code, note: $0.note) }
        homeFacilityID = v.patient.homeFacilityID
        notificationChannels = v.notificationChannels.map(\.rawValue)
        createdAt = v.patient.createdAt
        updatedAt = v.patient.updatedAt
    }
}

struct CareRelationshipDTO: Content {
    let id: UUID
    let patientID: UUID
    let doctorID: UUID
    let kind: String
    let referredBy: UUID?
    let endsOn: Date?
    let active: Bool

    enum CodingKeys: String, CodingKey {
        case id, kind, active
        case patientID = "patient_id"
        case doctorID = "doctor_id"
        case referredBy = "referred_by"
        case endsOn = "ends_on"
    }
}

extension CareRelationshipDTO {
    init(_ r: CareRelationship) {
        id = r.id!
        patientID = r.patientID
        doctorID = r.doctorID
        kind = r.kind.rawValue
        referredBy = r.referredBy
        endsOn = r.endsOn
        active = r.isActive()
    }
}

extension PatientDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [PatientDTO(id: UUID(), mrn: "MRN-1", givenName: "Ada", familyName: "Lovelace", birthDate: "1990-01-31", birthYear: 1990, sex: "female",
                    phone: "+1", email: "a@example.org", nationalID: "N1", address: "Street 1",
                    insurance: Insurance(provider: "P", policyNumber: "1"), emergencyContact: EmergencyContact(name: "B", phone: "+2", relationship: "sister"),
                    bloodType: "A+", allergies: ["penicillin"], conditions: [Condition(code: "I10", note: "note")], homeFacilityID: UUID(),
                    notificationChannels: [NotificationChannel.sms.rawValue], createdAt: Date(), updatedAt: Date())]
    }
    static var schemaNotes: [String: SchemaNote] {
        ["birth_date": .format("date"), "notification_channels": .values(of: NotificationChannel.self)]
    }
}

extension CareRelationshipDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [CareRelationshipDTO(id: UUID(), patientID: UUID(), doctorID: UUID(), kind: "primary", referredBy: UUID(), endsOn: Date(), active: true)]
    }
}
