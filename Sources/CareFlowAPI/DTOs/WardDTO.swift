import CareFlowCore
import Vapor

/// A ward with its beds, those holding a current admission, and those free.
struct WardDTO: Content {
    let id: UUID
    let facilityID: UUID
    let name: String
    let beds: Int
    let occupied: Int
    let free: Int
    let createdAt: Date?
    let updatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, beds, occupied, free
        case facilityID = "facility_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

extension WardDTO {
    init(_ w: WardOccupancy) {
        id = w.ward.id!
        facilityID = w.ward.facilityID
        name = w.ward.name
        beds = w.ward.beds
        occupied = w.occupied
        // A ward resized under a back-entered admission cannot go below zero free beds.
        free = max(0, w.ward.beds - w.occupied)
        createdAt = w.ward.createdAt
        updatedAt = w.ward.updatedAt
    }
}

extension WardDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [WardDTO(id: UUID(), facilityID: UUID(), name: "Maternity", beds: 12, occupied: 5, free: 7, createdAt: Date(), updatedAt: Date())]
    }
}
