import CareFlowCore
import Fluent
import Vapor

/// `POST /webhooks/{tenant}/…` (PRODUCT §5), one route per `WebhookRoute` the installed plugins
/// declare. Unauthenticated by design: each request is verified with the tenant's provider
/// secret over the body as received before anything takes effect.
struct WebhookController: RouteCollection {
    let routes: [WebhookRoute]

    func boot(routes builder: any RoutesBuilder) throws {
        let hooks = builder.grouped("webhooks", ":tenant")
        for route in routes {
            hooks.post(route.path.map { PathComponent.constant($0) }) { req in try await receive(req, on: route) }
        }
    }

    @Sendable
    func receive(_ req: Request, on route: WebhookRoute) async throws -> Response {
        let services = req.services  // one lookup: the services are read from the application's storage
        let (scope, config) = try await tenant(req, route)
        let webhook = try await inbound(req, route, config)
        let secrets = try await services.integrations.webhookSecrets(forSlug: config.slug, route.capability, field: route.secretField,
                                                                     adapter: route.adapter)
        switch try await services.webhooks.receive(webhook, on: route, secrets: secrets, in: scope, origin: req.origin) {
        case .payment(let outcome):
            return Self.received(replayed: outcome == .replayed)
        case .deliveries(let applied):
            return try await Received(received: true, replayed: applied == 0).encodeResponse(for: req)
        case .inboundMessage(let outcome, let reply):
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: reply.contentType)
            if outcome == .replayed { headers.add(name: "Idempotent-Replayed", value: "true") }
            return Response(status: .ok, headers: headers, body: .init(string: reply.body))
        }
    }

    /// The payment answer, `Received` encoded once: providers retry until they get a 2xx, so
    /// this is written for every delivery.
    private static func received(replayed: Bool) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(string: replayed ? #"{"received":true,"replayed":true}"# : #"{"received":true,"replayed":false}"#))
    }

    struct Received: Content {
        let received: Bool
        let replayed: Bool
    }

    // MARK: Helpers

    /// The tenant named in the path; an unknown or suspended tenant is a 404 (nothing to verify
    /// against). Payment events take the tenant's id from the webhook service's cache: their
    /// write checks the tenant is still active (and answers 404 if not), so a delivery costs no
    /// tenant lookup.
    private func tenant(_ req: Request, _ route: WebhookRoute) async throws -> (TenantScope, TenantConfiguration) {
        guard let slug = req.parameters.get("tenant"), slug.count <= 63, let config = req.services.tenants[slug]
        else { throw AppError.notFound("Unknown tenant") }
        if case .paymentEvent = route.handling {
            guard let tenantID = try await req.services.webhooks.tenantID(forSlug: slug, on: req.db) else {
                throw AppError.notFound("Unknown tenant")
            }
            return (TenantScope(tenantID: tenantID, db: req.db), config)
        }
        guard let tenant = try await Tenant.find(slug: slug, on: req.db), tenant.status == .active,
              let tenantID = tenant.id
        else { throw AppError.notFound("Unknown tenant") }
        return (TenantScope(tenantID: tenantID, db: req.db), config)
    }

    /// The request as the route's verifier reads it.
    private func inbound(_ req: Request, _ route: WebhookRoute, _ config: TenantConfiguration) async throws -> InboundWebhook {
        let form: [(String, String)]
        switch route.body {
        case .raw: form = []
        case .form: form = try Self.form(req)
        }
        let headers = req.headers
        return InboundWebhook(body: try Self.rawBody(req), form: form,
                              publicURL: route.verifier.signsPublicURL ? publicURL(req, config.integration(for: route.capability)) : "",
                              headers: { headers.first(name: $0) })
    }

    private static func rawBody(_ req: Request) throws -> Data {
        guard let buffer = req.body.data else { throw AppError.malformedBody("The body is empty") }
        return Data(buffer.readableBytesView)
    }

    /// Form parameters in the order sent, values decoded, as providers sign them.
    private static func form(_ req: Request) throws -> [(String, String)] {
        guard req.headers.contentType == .urlEncodedForm else {
            throw AppError.unsupportedMediaType("Expected application/x-www-form-urlencoded")
        }
        let text = String(decoding: try rawBody(req), as: UTF8.self)
        return text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// The URL the provider called: the tenant's `webhook_base_url` (or CAREFLOW_PUBLIC_URL) plus
    /// the path and query, since a proxy in front may have changed host and scheme.
    private func publicURL(_ req: Request, _ settings: IntegrationSettings) -> String {
        let base = (settings["webhook_base_url"]?.plainValue ?? req.services.configuration.publicURL)
            .trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return base + req.url.path + (req.url.query.map { "?\($0)" } ?? "")
    }
}
