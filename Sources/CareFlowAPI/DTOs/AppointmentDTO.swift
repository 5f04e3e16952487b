import CareFlowCore
import Vapor

/// An appointment. `reason` is present only for callers who may read it (the appointment's
/// doctor, nurses of its facility, the patient); for everyone else the key is absent.
struct AppointmentDTO: Content {
    let id: UUID
    let patientID: UUID
    let doctorID: UUID
    let facilityID: UUID
    let startsAt: Date
    let endsAt: Date
    let status: String
    let showsReason: Bool
    let reason: String?
    let bookedBy: UUID?
    let createdAt: Date?
    let updatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, status, reason
        case patientID = "patient_id"
        case doctorID = "doctor_id"
        case facilityID = "facility_id"
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case bookedBy = "booked_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(patientID, forKey: .patientID)
        try c.encode(doctorID, forKey: .doctorID)
        try c.encode(facilityID, forKey: .facilityID)
        try c.encode(startsAt, forKey: .startsAt)
        try c.encode(endsAt, forKey: .endsAt)
        try c.encode(status, forKey: .status)
        if showsReason { try c.encode(reason, forKey: .reason) }
        try c.encode(bookedBy, forKey: .bookedBy)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

extension AppointmentDTO {
    init(_ v: VisibleAppointment) {
        let a = v.appointment
        id = a.id!
        patientID = a.patientID
        doctorID = a.doctorID
        facilityID = a.facilityID
        startsAt = a.startsAt
        endsAt = a.endsAt
        status = a.status.rawValue
        showsReason = v.showsReason
        reason = v.reason
        bookedBy = a.bookedBy
        createdAt = a.createdAt
        updatedAt = a.updatedAt
    }

    init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "AppointmentDTO is a response body only"))
    }
}

extension AppointmentDTO: SchemaSample {
    /// With and without the reason: its key is absent for callers who may not read it.
    static var schemaSamples: [Self] {
        [true, false].map { showsReason in
            AppointmentDTO(id: UUID(), patientID: UUID(), doctorID: UUID(), facilityID: UUID(), startsAt: Date(), endsAt: Date(),
                           status: Appointment.Status.booked.rawValue, showsReason: showsReason, reason: "Check-up", bookedBy: UUID(), createdAt: Date(), updatedAt: Date())
        }
    }
    static var schemaNotes: [String: SchemaNote] { ["status": .values(of: Appointment.Status.self)] }
}
