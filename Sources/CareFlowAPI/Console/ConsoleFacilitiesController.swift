import CareFlowCore
import Foundation
import Vapor

/// `/console/facilities`: the caller's facilities, and the onboarding form for those who may
/// onboard (`facility.create`: group admins). The API's twin is `FacilityController`: the same
/// guard first, the API's own `CreateFacilityBody` to judge the form, `FacilityService` to
/// create and audit.
struct ConsoleFacilitiesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("facilities", use: page)
        routes.post("facilities", use: onboard)
    }

    struct FacilityRow: Encodable, Sendable {
        let id: String
        let code: String
        let name: String
        let timezone: String
        let address: String
        /// Set when the caller may see the facility's staff.
        let staffHref: String?
    }

    /// What the onboarding form shows: the values as typed, and a reason per refused field.
    struct OnboardForm: Encodable, Sendable {
        var code = ""
        var name = ""
        var timezone = ""
        var address = ""
        var codeError: String?
        var nameError: String?
        var timezoneError: String?
        var addressError: String?

        mutating func mark(_ errors: [FieldError]) {
            for error in errors {
                switch error.field {
                case "code": codeError = error.reason
                case "name": nameError = error.reason
                case "address": addressError = error.reason
                default: timezoneError = error.reason
                }
            }
        }
    }

    struct FacilitiesContent: Encodable, Sendable {
        let facilities: [FacilityRow]
        let nextHref: String?
        let mayOnboard: Bool
        let form: OnboardForm
        let timezones: [String]
    }

    @Sendable
    func page(req: Request) async throws -> Response {
        let notice: ConsoleNotice? = req.query[String.self, at: "notice"] == "onboarded" ? .success("The facility was onboarded.") : nil
        return try await render(req, form: OnboardForm(timezone: try await defaultZone(req)), notice: notice)
    }

    @Sendable
    func onboard(req: Request) async throws -> Response {
        let context = try req.context()
        // As the API: who may not onboard is refused (and audited) before their input is judged.
        try await req.services.guardian.authorize(context.principal, .facilityCreate, on: .tenant, origin: req.origin, db: req.db)
        let fields = try ConsoleFormFields(req)
        // Generous limits here: the body below names a value that is too long.
        let code = fields.text("code", maxLength: 1000), name = fields.text("name", maxLength: 1000)
        let zone = fields.text("timezone", maxLength: 1000)
        let address = fields.text("address", maxLength: 2000)
        var form = OnboardForm(code: code ?? "", name: name ?? "", timezone: zone ?? "", address: address ?? "")
        var object: [String: JSONValue] = [:]
        for (key, value) in [("code", code), ("name", name), ("timezone", zone), ("address", address)] {
            if let value { object[key] = .string(value) }
        }
        do {
            let body = try CreateFacilityBody.read(object)
            var timezone = body.timezone ?? ""
            if body.timezone == nil { timezone = try await defaultZone(req) }
            _ = try await req.services.facilities.create(code: body.code, name: body.name, timezone: timezone, address: body.address, in: context)
        } catch let error as AppError {
            switch error {
            case .validation(let errors):
                form.mark(errors)
                return try await render(req, form: form, notice: .error("The facility was not onboarded: check the fields marked below."),
                                        status: .unprocessableEntity)
            case .conflict(let detail):
                form.codeError = detail
                return try await render(req, form: form, notice: .error(detail), status: .conflict)
            default:
                throw error
            }
        }
        return req.redirect(to: ConsolePaths.facilities + "?notice=onboarded")
    }

    private func render(_ req: Request, form: OnboardForm, notice: ConsoleNotice?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let context = try req.context()
        let principal = context.principal
        let page = try await req.services.facilities.list(in: context, page: req.pageRequest())
        let rows = page.items.compactMap { facility in
            facility.id.map { id in
                FacilityRow(id: id.lowercasedString, code: facility.code, name: facility.name, timezone: facility.timezone, address: facility.address ?? "",
                            staffHref: AccessDecision.isAllowed(principal, .staffRead, on: .facility(id)) ? ConsolePaths.facilityStaff(id) : nil)
            }
        }
        let mayOnboard = AccessDecision.isAllowed(principal, .facilityCreate, on: .tenant)
        let content = FacilitiesContent(
            facilities: rows, nextHref: page.nextCursor.map(ConsolePaths.nextPage(of: ConsolePaths.facilities)),
            mayOnboard: mayOnboard, form: form,
            timezones: mayOnboard ? TimeZone.knownTimeZoneIdentifiers.sorted() : [])
        return try await ConsolePage.render("facilities", title: "Facilities", content: content, notice: notice, status: status, on: req)
    }

    /// A facility onboarded without a time zone takes the tenant's, as on the API.
    private func defaultZone(_ req: Request) async throws -> String {
        req.services.tenants[try await req.currentTenantSlug()]?.timezone ?? "UTC"
    }
}
