import CareFlowCore
import Vapor

/// A staff member's profile at one facility. `consultation_fee` is in minor units of the
/// tenant's currency.
struct StaffProfileDTO: Content {
    let userID: UUID
    let facilityID: UUID
    let specialization: String?
    let licenceNumber: String?
    let yearsOfExperience: Int?
    let consultationFee: Int?
    let bio: String?
    let updatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case specialization, bio
        case userID = "user_id"
        case facilityID = "facility_id"
        case licenceNumber = "licence_number"
        case yearsOfExperience = "years_of_experience"
        case consultationFee = "consultation_fee"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(userID, forKey: .userID)
        try c.encode(facilityID, forKey: .facilityID)
        // Unset members are present and null, so clients see the whole profile.
        try c.encode(specialization, forKey: .specialization)
        try c.encode(licenceNumber, forKey: .licenceNumber)
        try c.encode(yearsOfExperience, forKey: .yearsOfExperience)
        try c.encode(consultationFee, forKey: .consultationFee)
        try c.encode(bio, forKey: .bio)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

extension StaffProfileDTO {
    init(_ p: StaffProfile) {
        userID = p.userID
        facilityID = p.facilityID
        specialization = p.specialization
        licenceNumber = p.licenceNumber
        yearsOfExperience = p.yearsOfExperience
        consultationFee = p.consultationFee
        bio = p.bio
        updatedAt = p.updatedAt ?? p.createdAt
    }
}

extension StaffProfileDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [StaffProfileDTO(userID: UUID(), facilityID: UUID(), specialization: "Cardiology", licenceNumber: "L1", yearsOfExperience: 10,
                         consultationFee: 5000, bio: "Bio", updatedAt: Date())]
    }
}
