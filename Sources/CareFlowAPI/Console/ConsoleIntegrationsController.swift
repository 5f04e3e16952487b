import CareFlowCore
import Vapor

/// `/console/integrations`: per capability the tenant's adapter, its non-secret settings and
/// health, the outbox by status, and the dead letters (what `GET /api/v1/outbox?status=dead`
/// shows: never a recipient or content) with a Requeue button for callers with
/// `outbox.manage`. The services are the API's (`IntegrationStatusService`,
/// `OutboxAdminService`): same guards, same audit events.
struct ConsoleIntegrationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("integrations", use: page)
        routes.post("integrations", "outbox", ":messageID", "requeue", use: requeue)
    }

    struct PageContent: Encodable, Sendable {
        struct Setting: Encodable, Sendable {
            let name: String
            let value: String
        }

        struct Adapter: Encodable, Sendable {
            let capability: String
            let adapter: String
            let settings: [Setting]
            let secretReferences: [Setting]
            /// `healthy`, `failing` or `unused` (no call since the process started).
            let health: String
            let lastSuccessAt: String?
            let lastErrorAt: String?
            let lastError: String?
        }

        struct Count: Encodable, Sendable {
            let status: String
            let count: Int
        }

        struct DeadLetter: Encodable, Sendable {
            let id: String
            let capability: String
            let attempts: Int
            let lastError: String?
            let createdAt: String?
            let requeueAction: String
        }

        let zone: String
        let adapters: [Adapter]
        let outbox: [Count]
        let showDeadLetters: Bool
        let mayRequeue: Bool
        let deadLetters: [DeadLetter]
        let nextPage: String?
    }

    @Sendable
    func page(req: Request) async throws -> Response {
        let notice: ConsoleNotice? = req.query[String.self, at: "notice"] == "requeued"
            ? .success("The message is queued again; the outbox worker sends it on its next run.") : nil
        return try await render(req: req, notice: notice, status: .ok)
    }

    @Sendable
    func requeue(req: Request) async throws -> Response {
        // A malformed id names nothing: 404, as the API answers.
        guard let raw = req.parameters.get("messageID"), let id = UUID(uuidString: raw) else {
            throw AppError.notFound("Outbox message not found")
        }
        do {
            _ = try await req.services.outboxAdmin.requeue(messageID: id, in: req.context())
        } catch let error as AppError {
            // Someone else re-queued it first, or the worker moved it on: say so on the page.
            // Refusals (403) and unknown ids (404) are the error page's.
            guard case .conflict(let detail) = error else { throw error }
            return try await render(req: req, notice: .error(detail), status: .conflict)
        }
        return req.redirect(to: ConsolePaths.integrations + "?notice=requeued")
    }

    private func render(req: Request, notice: ConsoleNotice?, status: HTTPResponseStatus) async throws -> Response {
        let principal = try req.principal()
        let context = try req.context()
        let clock = try await req.consoleClock()
        let statuses = try await req.services.integrationStatus.status(ofTenant: req.currentTenantSlug(), in: context.scope,
                                                                      by: principal, origin: req.origin)
        let counts = try await req.services.outboxAdmin.counts(in: context.scope)
        let showDeadLetters = principal.mayEver(.outboxRead)
        var deadLetters: [PageContent.DeadLetter] = []
        var nextPage: String?
        if showDeadLetters {
            let cursor = try Cursor.decode(req.query[String.self, at: "cursor"])
            let page = try await req.services.outboxAdmin.list(status: .dead, in: context, page: PageRequest(cursor: cursor))
            // The API's item, so the page shows exactly what the API shows.
            deadLetters = page.items.map(OutboxMessageDTO.init).map { dto in
                PageContent.DeadLetter(id: dto.id.lowercasedString, capability: dto.capability, attempts: dto.attempts,
                                   lastError: dto.lastError, createdAt: dto.createdAt.map(clock.format),
                                   requeueAction: "\(ConsolePaths.integrations)/outbox/\(dto.id.lowercasedString)/requeue")
            }
            nextPage = page.nextCursor.map { "\(ConsolePaths.integrations)?cursor=\($0)" }
        }
        let content = PageContent(
            zone: clock.zoneName,
            adapters: statuses.map { Self.adapter($0, clock: clock) },
            outbox: OutboxMessage.Status.allCases.map { PageContent.Count(status: $0.rawValue, count: counts[$0] ?? 0) },
            showDeadLetters: showDeadLetters, mayRequeue: principal.mayEver(.outboxManage),
            deadLetters: deadLetters, nextPage: nextPage)
        return try await ConsolePage.render("integrations", title: "Integrations", content: content, notice: notice,
                                            status: status, on: req)
    }

    private static func adapter(_ status: IntegrationStatus, clock: ConsoleClock) -> PageContent.Adapter {
        let h = status.health
        let health: String = switch (h.lastSuccessAt, h.lastErrorAt) {
        case (nil, nil): "unused"
        case (_, nil): "healthy"
        case (nil, _): "failing"
        case (let success?, let error?): error > success ? "failing" : "healthy"
        }
        func settings(_ values: [String: String]) -> [PageContent.Setting] {
            values.sorted { $0.key < $1.key }.map { PageContent.Setting(name: $0.key, value: $0.value) }
        }
        return PageContent.Adapter(capability: status.capability.rawValue, adapter: status.adapter, settings: settings(status.settings),
                               secretReferences: settings(status.secretReferences), health: health,
                               lastSuccessAt: h.lastSuccessAt.map(clock.format), lastErrorAt: h.lastErrorAt.map(clock.format),
                               lastError: h.lastError)
    }
}
