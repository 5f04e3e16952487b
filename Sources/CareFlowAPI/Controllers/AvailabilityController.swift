import CareFlowCore
import Vapor

/// `/api/v1/doctors/{doctorID}/availability` (weekly schedule per facility) and
/// `/api/v1/doctors/{doctorID}/exceptions` (leave, holidays).
struct AvailabilityController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let doctor = routes.grouped("api", "v1", "doctors", ":doctorID")
        doctor.put("availability", use: replace)
        doctor.get("availability", use: show)
        doctor.post("exceptions", use: addException)
        doctor.get("exceptions", use: exceptions)
        doctor.delete("exceptions", ":exceptionID", use: deleteException)
    }

    /// Replaces the doctor's weekly schedule at one facility (`WeeklyScheduleBody`).
    @Sendable
    func replace(req: Request) async throws -> ListResponse<AvailabilityWindowDTO> {
        let doctorID = try req.uuidParameter("doctorID", what: "Doctor")
        let body = try await req.validatedBody(WeeklyScheduleBody.self)
        let rows = try await req.services.availability.replaceWeekly(
            doctorID: doctorID, facilityID: body.facilityID, windows: body.windows, in: req.context())
        return ListResponse(Page(items: rows, nextCursor: nil), AvailabilityWindowDTO.init)
    }

    /// The whole weekly schedule (every facility, or `?facility_id=`); not paginated.
    @Sendable
    func show(req: Request) async throws -> ListResponse<AvailabilityWindowDTO> {
        let doctorID = try req.uuidParameter("doctorID", what: "Doctor")
        let query = try req.validatedQuery(FacilityFilterQuery.self)
        let rows = try await req.services.availability.weekly(doctorID: doctorID, facilityID: query.facilityID, in: req.context())
        return ListResponse(Page(items: rows, nextCursor: nil), AvailabilityWindowDTO.init)
    }

    @Sendable
    func addException(req: Request) async throws -> Response {
        let doctorID = try req.uuidParameter("doctorID", what: "Doctor")
        let body = try await req.validatedBody(AvailabilityExceptionBody.self)
        let exception = try await req.services.availability.addException(
            doctorID: doctorID, facilityID: body.facilityID, startsAt: body.startsAt, endsAt: body.endsAt, reason: body.reason,
            in: req.context())
        return try await AvailabilityExceptionDTO(exception).encodeResponse(status: .created, for: req)
    }

    /// `?from=` (RFC 3339) leaves out exceptions that ended before it.
    @Sendable
    func exceptions(req: Request) async throws -> ListResponse<AvailabilityExceptionDTO> {
        let doctorID = try req.uuidParameter("doctorID", what: "Doctor")
        let query = try req.validatedQuery(ExceptionListQuery.self)
        let page = try await req.services.availability.exceptions(doctorID: doctorID, from: query.from, in: req.context(),
                                                                  page: req.pageRequest())
        return ListResponse(page, AvailabilityExceptionDTO.init)
    }

    @Sendable
    func deleteException(req: Request) async throws -> Response {
        try await req.services.availability.deleteException(
            req.uuidParameter("exceptionID", what: "Exception"), doctorID: req.uuidParameter("doctorID", what: "Doctor"),
            in: req.context())
        return Response(status: .noContent)
    }
}
