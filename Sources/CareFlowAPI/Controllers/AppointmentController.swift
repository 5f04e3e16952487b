import CareFlowCore
import Vapor

/// `/api/v1/appointments`: booking, the status machine, reading and the upcoming / past /
/// today views.
struct AppointmentController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let appointments = routes.grouped("api", "v1", "appointments")
        appointments.post(use: book)
        appointments.get(use: list)
        appointments.get(":appointmentID", use: show)
        for change in AppointmentChange.allCases {
            appointments.post(":appointmentID", PathComponent(stringLiteral: change.rawValue)) { req in
                try await self.apply(change, req: req)
            }
        }
    }

    @Sendable
    func book(req: Request) async throws -> Response {
        let body = try await req.validatedBody(BookingBody.self)
        let booked = try await req.services.appointments.book(body.request, in: req.context())
        return try await AppointmentDTO(booked).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func show(req: Request) async throws -> AppointmentDTO {
        AppointmentDTO(try await req.services.appointments.read(
            req.uuidParameter("appointmentID", what: "Appointment"), in: req.context()))
    }

    @Sendable
    func apply(_ change: AppointmentChange, req: Request) async throws -> AppointmentDTO {
        AppointmentDTO(try await req.services.appointments.apply(
            change, to: req.uuidParameter("appointmentID", what: "Appointment"), in: req.context()))
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<AppointmentDTO> {
        let query = try req.validatedQuery(AppointmentListQuery.self)
        let page = try await req.services.appointments.list(query.filters, in: req.context(),
                                                            page: req.pageRequest())
        return ListResponse(page, AppointmentDTO.init)
    }
}
