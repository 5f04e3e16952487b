import CareFlowCore
import Vapor

/// `/api/v1/me/devices`: the caller's own push registrations.
struct DeviceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let devices = routes.grouped("api", "v1", "me", "devices")
        devices.post(use: register)
        devices.get(use: list)
        devices.delete(":deviceID", use: remove)
    }

    /// 201 for a new registration, 200 with the existing device when the token is already the caller's.
    @Sendable
    func register(req: Request) async throws -> Response {
        let body = try await req.validatedBody(DeviceRegistrationBody.self)
        let (device, created) = try await req.services.devices.register(token: body.token, platform: body.platform, in: req.context())
        return try await DeviceDTO(device, tokenSuffix: String(body.token.suffix(6)))
            .encodeResponse(status: created ? .created : .ok, for: req)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<DeviceDTO> {
        let context = try req.context()
        let devices = try await req.services.devices.list(in: context)
        var items: [DeviceDTO] = []
        for device in devices {
            items.append(DeviceDTO(device, tokenSuffix: try await req.services.devices.tokenSuffix(of: device, in: context.scope)))
        }
        return ListResponse(Page(items: items, nextCursor: nil), { $0 })
    }

    @Sendable
    func remove(req: Request) async throws -> Response {
        try await req.services.devices.remove(deviceID: req.uuidParameter("deviceID", what: "Device"), in: req.context())
        return Response(status: .noContent)
    }
}
