import CareFlowCore
import Vapor

/// A doctor at one facility, as `GET /api/v1/doctors` lists them.
struct DoctorDTO: Content {
    let doctorID: UUID
    let displayName: String?
    let facilityID: UUID
    let specialization: String?
    let yearsOfExperience: Int?
    let consultationFee: Int?
    let bio: String?

    enum CodingKeys: String, CodingKey {
        case bio, specialization
        case doctorID = "doctor_id"
        case displayName = "display_name"
        case facilityID = "facility_id"
        case yearsOfExperience = "years_of_experience"
        case consultationFee = "consultation_fee"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(doctorID, forKey: .doctorID)
        try c.encode(displayName, forKey: .displayName)
        try c.encode(facilityID, forKey: .facilityID)
        try c.encode(specialization, forKey: .specialization)
        try c.encode(yearsOfExperience, forKey: .yearsOfExperience)
        try c.encode(consultationFee, forKey: .consultationFee)
        try c.encode(bio, forKey: .bio)
    }
}

extension DoctorDTO {
    init(_ d: DoctorListing) {
        doctorID = d.doctorID
        displayName = d.displayName
        facilityID = d.facilityID
        specialization = d.profile?.specialization
        yearsOfExperience = d.profile?.yearsOfExperience
        consultationFee = d.profile?.consultationFee
        bio = d.profile?.bio
    }
}

extension DoctorDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [DoctorDTO(doctorID: UUID(), displayName: "Dr A", facilityID: UUID(), specialization: "Cardiology", yearsOfExperience: 10,
                   consultationFee: 5000, bio: "Bio")]
    }
}
