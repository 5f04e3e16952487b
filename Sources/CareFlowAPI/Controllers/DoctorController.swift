import CareFlowCore
import Vapor

/// `/api/v1/doctors`: the doctor directory and a doctor's free slots.
struct DoctorController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let doctors = routes.grouped("api", "v1", "doctors")
        doctors.get(use: list)
        doctors.get(":doctorID", "available-slots", use: availableSlots)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<DoctorDTO> {
        let query = try req.validatedQuery(DoctorListQuery.self)
        let page = try await req.services.doctors.list(query.filters, in: req.context(),
                                                       page: req.pageRequest())
        return ListResponse(page, DoctorDTO.init)
    }

    /// Not paginated: one day of one doctor is short; `next_cursor` is always null.
    @Sendable
    func availableSlots(req: Request) async throws -> ListResponse<AvailabilitySlotDTO> {
        let doctorID = try req.uuidParameter("doctorID", what: "Doctor")
        let query = try req.validatedQuery(SlotQuery.self)
        let slots = try await req.services.slots.available(doctorID: doctorID, facilityID: query.facilityID, on: query.day,
                                                           in: req.context())
        return ListResponse(Page(items: slots, nextCursor: nil), AvailabilitySlotDTO.init)
    }
}
