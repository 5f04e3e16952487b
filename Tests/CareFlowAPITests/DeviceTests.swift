@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Synchronization
import Testing
import Vapor
import VaporTesting

/// Push devices (issue 5): registered per user with the token sealed, idempotent per token,
/// only ever one's own; the worker stops pushing to a token the provider reports dead.
@Suite("Push devices")
struct DeviceTests {
    /// A push provider for which the tokens in `dead` are unregistered (FCM `UNREGISTERED`);
    /// every other push is delivered and recorded.
    final class DeadTokenSenders: MessageSenders, PushSender, Sendable {
        let dead: Set<String>
        let pushed = Mutex<[String]>([])
        let attempts = Mutex(0)

        init(dead: Set<String>) { self.dead = dead }

        func emailSender(forTenant tenantID: UUID) async throws -> any EmailSender { throw Unexpected() }
        func smsSender(forTenant tenantID: UUID) async throws -> any SMSSender { throw Unexpected() }
        func pushSender(forTenant tenantID: UUID) async throws -> any PushSender { self }
        func recordOutcome(tenantID: UUID, capability: Capability, error: (any Error)?) async {}

        func send(_ message: PushMessage, idempotencyKey: String) async throws -> DeliveryReceipt {
            attempts.withLock { $0 += 1 }
            if dead.contains(message.deviceToken) {
                throw IntegrationError(.deadRecipient, provider: "fcm", httpStatus: 404, providerCode: "UNREGISTERED",
                                       message: "Requested entity was not found.")
            }
            pushed.withLock { $0.append(message.deviceToken) }
            return DeliveryReceipt(provider: "fcm", providerMessageID: "projects/p/messages/\(idempotencyKey)")
        }

        struct Unexpected: Error {}
    }

    static func push(_ payload: OutboxPayload) -> PushMessage? {
        guard case .push(let message) = payload else { return nil }
        return message
    }

    static func register(_ app: Application, _ user: TestUser, token: String, platform: String = "android") async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/me/devices", token: user.token, json: jsonBody(["token": token, "platform": platform]))
    }

    @Test("register, register again (same device), list, remove; the token is never stored in clear", arguments: TestBackend.enabled)
    func lifecycle(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "devices")
            let token = "dXk3Y2Rm:APA91bH-fcm-registration-token-0001"
            let first = try await Self.register(app, t[.patient], token: token)
            #expect(first.status == .created, "\(first.text)")
            let id = try #require(first.json["id"] as? String)
            #expect(first.json["platform"] as? String == "android" && first.json["token_suffix"] as? String == "n-0001")
            #expect(first.json["dead_at"] is NSNull)
            #expect(!first.text.contains(token))

            let again = try await Self.register(app, t[.patient], token: "  \(token) ")
            #expect(again.status == .ok && again.json["id"] as? String == id)

            let sql = try #require(app.db as? any SQLDatabase)
            let rows = try await sql.raw("SELECT token_sealed, token_index FROM devices").all()
            #expect(rows.count == 1)
            for row in rows {
                let sealed = try row.decode(column: "token_sealed", as: String.self)
                let index = try row.decode(column: "token_index", as: String.self)
                #expect(!sealed.contains("APA91b") && !index.contains("APA91b"))
                #expect(try await app.services.keyring.cipher(forTenant: t.id, on: app.db).open(Sealed<String>(token: sealed)) == token)
            }

            let list = try await app.send(.GET, "/api/v1/me/devices", token: t[.patient].token)
            #expect(list.status == .ok)
            #expect((list.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id])
            #expect(list.json.keys.contains("next_cursor"))
            #expect(!list.text.contains(token))
            // Another user sees none of it and cannot remove it.
            let others = try await app.send(.GET, "/api/v1/me/devices", token: t[.nurse].token)
            #expect((others.json["items"] as? [Any])?.isEmpty == true)
            let foreign = try await app.send(.DELETE, "/api/v1/me/devices/\(id)", token: t[.nurse].token)
            #expect(foreign.status == .notFound && foreign.isProblem)

            let removed = try await app.send(.DELETE, "/api/v1/me/devices/\(id)", token: t[.patient].token)
            #expect(removed.status == .noContent)
            #expect(try await app.send(.DELETE, "/api/v1/me/devices/\(id)", token: t[.patient].token).status == .notFound)
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["device.register", "device.remove"]).count()
            #expect(audited == 2)
        }
    }

    @Test("bad bodies name every field; another tenant's device is a 404", arguments: TestBackend.enabled)
    func validationAndIsolation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let a = try await Fixtures.tenant(app, slug: "dev-a")
            let b = try await Fixtures.tenant(app, slug: "dev-b")
            let bad = try await app.send(.POST, "/api/v1/me/devices", token: a[.doctor].token,
                                         json: jsonBody(["token": "", "platform": "blackberry"]))
            #expect(bad.status == .unprocessableEntity && bad.isProblem)
            let fields = Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["token", "platform"])
            let tooLong = try await Self.register(app, a[.doctor], token: String(repeating: "x", count: DeviceService.maxTokenLength + 1))
            #expect(tooLong.status == .unprocessableEntity)

            let created = try await Self.register(app, a[.doctor], token: "shared-token", platform: "ios")
            let id = try #require(created.json["id"] as? String)
            #expect(try await app.send(.DELETE, "/api/v1/me/devices/\(id)", token: b[.doctor].token).status == .notFound)
            // The same token in another tenant is that tenant's own registration.
            #expect(try await Self.register(app, b[.doctor], token: "shared-token", platform: "ios").status == .created)
        }
    }

    @Test("ten simultaneous first registrations of one token: one device", arguments: TestBackend.enabled)
    func concurrentRegistration(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "dev-race")
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<10 { group.addTask { try await Self.register(app, t[.patient], token: "racing-token").status } }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1 && statuses.filter { $0 == .ok }.count == 9, "\(statuses)")
            #expect(try await TenantScope(tenantID: t.id, db: app.db).query(Device.self).count() == 1)
        }
    }

    @Test("a token registered by another user of the tenant moves to the new user", arguments: TestBackend.enabled)
    func tokenMoves(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "dev-move")
            let first = try await Self.register(app, t[.nurse], token: "ward-tablet")
            let second = try await Self.register(app, t[.doctor], token: "ward-tablet")
            #expect(first.status == .created && second.status == .created)
            #expect(first.json["id"] as? String != second.json["id"] as? String)
            let nurse = try await app.send(.GET, "/api/v1/me/devices", token: t[.nurse].token)
            #expect((nurse.json["items"] as? [Any])?.isEmpty == true)
            let scope = TenantScope(tenantID: t.id, db: app.db)
            #expect(try await app.services.push.notify(userID: t[.nurse].id, title: "T", body: "B", in: scope).isEmpty)
            #expect(try await app.services.push.notify(userID: t[.doctor].id, title: "T", body: "B", in: scope).count == 1)
        }
    }

    @Test("notify queues one push per live device; a dead FCM token marks the device dead, dead-lettered without retry",
          arguments: TestBackend.enabled)
    func deadToken(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "dev-dead")
            let phone = try await Self.register(app, t[.patient], token: "phone-token")
            _ = try await Self.register(app, t[.patient], token: "old-tablet-token", platform: "ios")
            _ = try await Self.register(app, t[.doctor], token: "doctor-token")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let queued = try await scope.transaction { tx in
                try await app.services.push.notify(userID: t[.patient].id, title: "Reminder", body: "Take your medication",
                                                   data: ["step_id": "42"], in: tx)
            }
            #expect(queued.count == 2)
            let payloads = try await queued.asyncMap { try await app.services.outbox.open($0, on: app.db) }
            let pushes = payloads.compactMap(Self.push)
            #expect(Set(pushes.map(\.deviceToken)) == ["phone-token", "old-tablet-token"])
            #expect(pushes.count == 2 && pushes.allSatisfy { $0.data == ["step_id": "42"] && $0.title == "Reminder" })

            let senders = DeadTokenSenders(dead: ["old-tablet-token"])
            let worker = OutboxTests.worker(app, senders)
            try await worker.runOnce()
            #expect(senders.pushed.withLock { $0 } == ["phone-token"])
            let rows = try await scope.query(OutboxMessage.self).all()
            let dead = try #require(rows.first { $0.status == .dead })
            #expect(dead.attempts == 1 && dead.lastError?.contains("UNREGISTERED") == true)
            #expect(rows.filter { $0.status == .sent }.count == 1)

            let devices = try await scope.query(Device.self).filter(\.$userID == t[.patient].id).all()
            #expect(devices.filter { $0.deadAt != nil }.count == 1)
            let list = try await app.send(.GET, "/api/v1/me/devices", token: t[.patient].token)
            let items = list.json["items"] as? [[String: Any]] ?? []
            #expect(items.count == 2)
            #expect(items.first { $0["id"] as? String == phone.json["id"] as? String }?["dead_at"] is NSNull)
            #expect(items.contains { $0["dead_at"] is String })

            // Nothing more is queued for the dead device; a second pass sends nothing again.
            #expect(try await app.services.push.notify(userID: t[.patient].id, title: "T", body: "B", in: scope).count == 1)
            #expect(try await worker.runOnce() == 1)
            #expect(senders.attempts.withLock { $0 } == 3)
        }
    }

    @Test("a push for a device removed after it was queued is not sent", arguments: TestBackend.enabled)
    func removedDevice(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "dev-removed")
            let device = try await Self.register(app, t[.patient], token: "gone-token")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let message = try #require(try await app.services.push.notify(userID: t[.patient].id, title: "T", body: "B", in: scope).first)
            #expect(try await app.send(.DELETE, "/api/v1/me/devices/\(device.json["id"] as! String)", token: t[.patient].token).status == .noContent)
            let senders = DeadTokenSenders(dead: [])
            try await OutboxTests.worker(app, senders).runOnce()
            #expect(senders.attempts.withLock { $0 } == 0)
            let row = try #require(try await scope.find(OutboxMessage.self, message.id!))
            #expect(row.status == .dead && row.lastError?.contains("removed") == true)
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
