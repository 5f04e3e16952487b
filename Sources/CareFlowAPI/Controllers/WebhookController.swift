import CareFlowCore
import Fluent
import Vapor

/// `POST /webhooks/{tenant}/…` (PRODUCT §5). Unauthenticated by design: each request is
/// verified with the tenant's provider secret over the raw body before anything takes effect.
struct WebhookController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let hooks = routes.grouped("webhooks", ":tenant")
        hooks.post("stripe", use: stripe)
        hooks.post("twilio", "sms", use: twilioInbound)
        hooks.post("twilio", "status", use: twilioStatus)
        hooks.post("sendgrid", "events", use: sendGrid)
    }

    @Sendable
    func stripe(req: Request) async throws -> Response {
        let services = req.services  // one lookup: the services are read from the application's storage
        // The tenant's id from the webhook service's cache; the event write checks the tenant is
        // still active (and answers 404 if not), so a delivery costs no tenant lookup.
        guard let slug = req.parameters.get("tenant"), slug.count <= 63, let config = services.tenants[slug],
              let tenantID = try await services.webhooks.tenantID(forSlug: slug, on: req.db)
        else { throw AppError.notFound("Unknown tenant") }
        let secrets = try await services.integrations.webhookSecrets(forSlug: config.slug, .payments, field: "webhook_secret", adapter: "stripe")
        let outcome = try await services.webhooks.receiveStripe(
            payload: try rawBody(req), signatureHeader: req.headers.first(name: "Stripe-Signature"), secrets: secrets,
            in: TenantScope(tenantID: tenantID, db: req.db), origin: req.origin)
        return Self.received(replayed: outcome == .replayed)
    }

    @Sendable
    func twilioInbound(req: Request) async throws -> Response {
        let (scope, config) = try await tenant(req)
        let sms = config.integration(for: .sms)
        let (outcome, twiml) = try await req.services.webhooks.receiveTwilioInbound(
            parameters: try form(req), signature: req.headers.first(name: "X-Twilio-Signature"), url: publicURL(req, sms),
            authTokens: try await req.services.integrations.webhookSecrets(forSlug: config.slug, .sms, field: "auth_token", adapter: "twilio"), in: scope, origin: req.origin)
        var headers = HTTPHeaders()
        headers.contentType = .xml
        if outcome == .replayed { headers.add(name: "Idempotent-Replayed", value: "true") }
        return Response(status: .ok, headers: headers, body: .init(string: twiml))
    }

    @Sendable
    func twilioStatus(req: Request) async throws -> Response {
        let (scope, config) = try await tenant(req)
        let sms = config.integration(for: .sms)
        let outcome = try await req.services.webhooks.receiveTwilioStatus(
            parameters: try form(req), signature: req.headers.first(name: "X-Twilio-Signature"), url: publicURL(req, sms),
            authTokens: try await req.services.integrations.webhookSecrets(forSlug: config.slug, .sms, field: "auth_token", adapter: "twilio"), in: scope, origin: req.origin)
        return try await Received(received: true, replayed: outcome == .replayed).encodeResponse(for: req)
    }

    @Sendable
    func sendGrid(req: Request) async throws -> Response {
        let (scope, config) = try await tenant(req)
        let applied = try await req.services.webhooks.receiveSendGrid(
            payload: try rawBody(req), signature: req.headers.first(name: "X-Twilio-Email-Event-Webhook-Signature"),
            timestamp: req.headers.first(name: "X-Twilio-Email-Event-Webhook-Timestamp"),
            publicKeys: try await req.services.integrations.webhookSecrets(forSlug: config.slug, .email, field: "webhook_verification_key", adapter: "sendgrid"),
            in: scope, origin: req.origin)
        return try await Received(received: true, replayed: applied == 0).encodeResponse(for: req)
    }

    /// The Stripe answer, `Received` encoded once: Stripe retries until it gets a 2xx, so this
    /// is written for every delivery.
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

    /// The tenant named in the path; an unknown or suspended tenant is a 404 (nothing to verify against).
    private func tenant(_ req: Request) async throws -> (TenantScope, TenantConfiguration) {
        guard let slug = req.parameters.get("tenant"), slug.count <= 63,
              let config = req.services.tenants[slug],
              let tenant = try await Tenant.query(on: req.db).filter(\.$slug == slug).first(), tenant.status == .active
        else { throw AppError.notFound("Unknown tenant") }
        return (TenantScope(tenantID: tenant.id!, db: req.db), config)
    }

    private func rawBody(_ req: Request) throws -> Data {
        guard let buffer = req.body.data else { throw AppError.malformedBody("The body is empty") }
        return Data(buffer.readableBytesView)
    }

    /// Form parameters in the order sent, values decoded, as Twilio signs them.
    private func form(_ req: Request) throws -> [(String, String)] {
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

    /// The URL Twilio called: the tenant's `webhook_base_url` (or CAREFLOW_PUBLIC_URL) plus the
    /// path and query, since a proxy in front may have changed host and scheme.
    private func publicURL(_ req: Request, _ settings: IntegrationSettings) -> String {
        let base = (settings["webhook_base_url"]?.plainValue ?? req.services.configuration.publicURL)
            .trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return base + req.url.path + (req.url.query.map { "?\($0)" } ?? "")
    }
}
