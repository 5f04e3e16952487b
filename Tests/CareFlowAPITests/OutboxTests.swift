@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Synchronization
import Testing
import Vapor
import VaporTesting

/// PRODUCT §6: messages written with the change that causes them, delivered by the worker with
/// backoff, dead-lettered after N tries, never lost to an outage or a killed worker.
@Suite("Outbox and worker")
struct OutboxTests {
    /// Senders that fail while `failing` is true and count what they delivered, by idempotency key.
    final class ScriptedSenders: MessageSenders, EmailSender, SMSSender, PushSender, Sendable {
        let failing = Mutex(true)
        let failure: IntegrationError
        let delivered = Mutex<[String: Int]>([:])
        let attempts = Mutex(0)

        init(failure: IntegrationError = IntegrationError(.retryable, provider: "fake", httpStatus: 503, message: "outage")) {
            self.failure = failure
        }

        func emailSender(forTenant tenantID: UUID) async throws -> any EmailSender { self }
        func smsSender(forTenant tenantID: UUID) async throws -> any SMSSender { self }
        func pushSender(forTenant tenantID: UUID) async throws -> any PushSender { self }
        func recordOutcome(tenantID: UUID, capability: Capability, error: (any Error)?) async {}

        private func deliver(_ key: String) throws -> DeliveryReceipt {
            attempts.withLock { $0 += 1 }
            if failing.withLock({ $0 }) { throw failure }
            delivered.withLock { $0[key, default: 0] += 1 }
            return DeliveryReceipt(provider: "fake", providerMessageID: "fake-\(key)")
        }

        func send(_ email: OutgoingEmail, idempotencyKey: String) async throws -> DeliveryReceipt { try deliver(idempotencyKey) }
        func send(_ sms: OutgoingSMS, idempotencyKey: String) async throws -> DeliveryReceipt { try deliver(idempotencyKey) }
        func send(_ message: PushMessage, idempotencyKey: String) async throws -> DeliveryReceipt { try deliver(idempotencyKey) }
    }

    static func worker(_ app: Application, _ senders: any MessageSenders, maxAttempts: Int = 8) -> OutboxWorker {
        var policy = OutboxPolicy()
        policy.maxAttempts = maxAttempts
        return OutboxWorker(db: app.db, outbox: app.services.outbox, keyring: app.services.keyring, senders: senders, policy: policy)
    }

    static func enqueue(_ app: Application, _ t: TestTenant, count: Int, to: String = "p@example.org") async throws -> [UUID] {
        let scope = TenantScope(tenantID: t.id, db: app.db)
        var ids: [UUID] = []
        for i in 0..<count {
            ids.append(try await app.services.outbox.enqueue(.email(OutgoingEmail(to: to, subject: "S\(i)", body: "B\(i)")), in: scope).id!)
        }
        return ids
    }

    @Test("a message exists only if its transaction committed; the payload is sealed", arguments: TestBackend.enabled)
    func transactional(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "obx")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            struct Rollback: Error {}
            await #expect(throws: Rollback.self) {
                try await scope.transaction { tx in
                    try await app.services.outbox.enqueue(.sms(OutgoingSMS(to: "+250788000222", body: "Your appointment")), in: tx)
                    throw Rollback()
                }
            }
            #expect(try await scope.query(OutboxMessage.self).count() == 0)
            let message = try await scope.transaction { tx in
                try await app.services.outbox.enqueue(.sms(OutgoingSMS(to: "+250788000222", body: "Your appointment")), in: tx)
            }
            let stored = try #require(try await scope.find(OutboxMessage.self, message.id!))
            #expect(!stored.payloadSealed.token.contains("250788000222") && !stored.payloadSealed.token.contains("appointment"))
            #expect(try await app.services.outbox.open(stored, on: app.db) == .sms(OutgoingSMS(to: "+250788000222", body: "Your appointment")))
        }
    }

    @Test("an outage: retried with backoff, then every message delivered exactly once", arguments: TestBackend.enabled)
    func outage(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "outage")
            let ids = try await Self.enqueue(app, t, count: 20)
            let senders = ScriptedSenders()
            let worker = Self.worker(app, senders)
            var now = Date()
            // Three passes during the outage: each message tried, then waiting out its backoff.
            for _ in 0..<3 {
                try await worker.runOnce(now: now)
                now = now.addingTimeInterval(3600)
            }
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let waiting = try await scope.query(OutboxMessage.self).all()
            #expect(waiting.allSatisfy { $0.status == .pending && $0.attempts == 3 && $0.lastError?.contains("503") == true })
            // Backoff: not due again right away.
            #expect(try await worker.runOnce(now: Date()) == 0)
            senders.failing.withLock { $0 = false }
            while try await worker.runOnce(now: now) > 0 {}
            #expect(senders.delivered.withLock { $0 } == Dictionary(uniqueKeysWithValues: ids.map { ($0.uuidString.lowercased(), 1) }))
            let sent = try await scope.query(OutboxMessage.self).all()
            #expect(sent.allSatisfy { $0.status == .sent && $0.providerMessageID?.hasPrefix("fake-") == true })
        }
    }

    @Test("dead letter after N tries; a permanent error at once; an opted-out number never", arguments: TestBackend.enabled)
    func deadLetters(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "dead")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let retried = try await Self.enqueue(app, t, count: 1)[0]
            let worker = Self.worker(app, ScriptedSenders(), maxAttempts: 3)
            var now = Date()
            for _ in 0..<5 {
                try await worker.runOnce(now: now)
                now = now.addingTimeInterval(7200)
            }
            let dead = try #require(try await scope.find(OutboxMessage.self, retried))
            #expect(dead.status == .dead && dead.attempts == 3)

            let declined = try await Self.enqueue(app, t, count: 1)[0]
            let permanent = ScriptedSenders(failure: IntegrationError(.permanent, provider: "fake", httpStatus: 400, message: "bad address"))
            try await Self.worker(app, permanent).runOnce(now: now)
            #expect(try await scope.find(OutboxMessage.self, declined)?.status == .dead)
            #expect(permanent.attempts.withLock { $0 } == 1)

            let optOut = SMSOptOut()
            optOut.tenantID = t.id
            optOut.phoneIndex = try await app.services.keyring.cipher(forTenant: t.id, on: app.db).index("+250788999000", as: .phone)
            optOut.optedOut = true
            try await scope.create(optOut)
            let sms = try await app.services.outbox.enqueue(.sms(OutgoingSMS(to: "+250 788 999 000", body: "Reminder")), in: scope)
            let healthy = ScriptedSenders()
            healthy.failing.withLock { $0 = false }
            try await Self.worker(app, healthy).runOnce(now: now)
            let stopped = try #require(try await scope.find(OutboxMessage.self, sms.id!))
            #expect(stopped.status == .dead && stopped.lastError?.contains("STOP") == true)
            #expect(healthy.attempts.withLock { $0 } == 0)
        }
    }

    @Test("a worker killed between claim and send loses nothing: the lease ends and another delivers",
          arguments: TestBackend.enabled)
    func killedWorker(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "killed-worker")
            let ids = try await Self.enqueue(app, t, count: 5)
            let senders = ScriptedSenders()
            senders.failing.withLock { $0 = false }
            let worker = Self.worker(app, senders)
            let now = Date()
            // The first worker claims, then "dies" before sending.
            #expect(try await worker.claim(now: now).count == 5)
            // Nothing is claimable while the lease runs…
            #expect(try await worker.runOnce(now: now.addingTimeInterval(60)) == 0)
            // …and everything once it has ended.
            #expect(try await worker.runOnce(now: now.addingTimeInterval(OutboxPolicy().lease + 1)) == 5)
            #expect(senders.delivered.withLock { $0.count } == ids.count)
            let rows = try await TenantScope(tenantID: t.id, db: app.db).query(OutboxMessage.self).all()
            #expect(rows.allSatisfy { $0.status == .sent && $0.attempts == 2 })
        }
    }

    @Test("four workers at once share 200 messages: each delivered exactly once", arguments: TestBackend.enabled)
    func concurrentWorkers(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "many-workers")
            let ids = try await Self.enqueue(app, t, count: 200)
            let senders = ScriptedSenders()
            senders.failing.withLock { $0 = false }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let worker = Self.worker(app, senders)
                        while try await worker.runOnce() > 0 {}
                    }
                }
                try await group.waitForAll()
            }
            let delivered = senders.delivered.withLock { $0 }
            #expect(delivered.count == ids.count)
            #expect(delivered.values.allSatisfy { $0 == 1 })
        }
    }

    @Test("two tenants, two Twilio accounts: each message goes to its own provider with its own credentials",
          arguments: TestBackend.enabled)
    func tenantsKeepTheirProviders(backend: TestBackend) async throws {
        let east = try await FakeTwilio.start(failFirst: 0, accountSID: "AC_east")
        let west = try await FakeTwilio.start(failFirst: 0, accountSID: "AC_west")
        defer { Task { await east.stop(); await west.stop() } }
        func yaml(_ slug: String, _ sid: String, _ variable: String, _ port: Int) -> String {
            """
            slug: \(slug)
            name: \(slug)
            timezone: UTC
            integrations:
              sms: {adapter: twilio, account_sid: \(sid), auth_token: env:\(variable), from: "+15005550006", base_url: "http://127.0.0.1:\(port)"}
            """
        }
        try await withCareFlow(backend, tenantFiles: ["east.yaml": yaml("east", "AC_east", "EAST_TOKEN", east.port),
                                                      "west.yaml": yaml("west", "AC_west", "WEST_TOKEN", west.port),
                                                      "quiet.yaml": "slug: quiet\nname: Quiet\ntimezone: UTC\nintegrations:\n  sms: none\n"],
                               configure: { $0.secretEnvironment = ["EAST_TOKEN": "east-secret", "WEST_TOKEN": "west-secret"] }) { app in
            for (slug, phone) in [("east", "+250788000301"), ("west", "+250788000302"), ("quiet", "+250788000303")] {
                let t = try await Fixtures.tenant(app, slug: slug)
                try await app.services.outbox.enqueue(.sms(OutgoingSMS(to: phone, body: "Hello \(slug)")), in: TenantScope(tenantID: t.id, db: app.db))
            }
            while try await app.services.outboxWorker.runOnce() > 0 {}
            let basic = { (user: String, password: String) in "Basic " + Data("\(user):\(password)".utf8).base64EncodedString() }
            let toEast = await east.accepted, toWest = await west.accepted
            #expect(toEast.map(\.to) == ["+250788000301"] && toEast.allSatisfy { $0.authorization == basic("AC_east", "east-secret") })
            #expect(toWest.map(\.to) == ["+250788000302"] && toWest.allSatisfy { $0.authorization == basic("AC_west", "west-secret") })
        }
    }

    @Test("end to end: the tenant's Twilio adapter against a fake Twilio on 127.0.0.1 that answers 503 for a while",
          arguments: TestBackend.enabled)
    func twilioOutage(backend: TestBackend) async throws {
        let fake = try await FakeTwilio.start(failFirst: 4)
        defer { Task { await fake.stop() } }
        let yaml = """
            slug: tw
            name: Twilio tenant
            timezone: UTC
            integrations:
              sms: {adapter: twilio, account_sid: AC_test_sid, auth_token: env:TW_TOKEN, from: "+15005550006", base_url: "http://127.0.0.1:\(fake.port)"}
            """
        try await withCareFlow(backend, tenantFiles: ["tw.yaml": yaml], configure: { $0.secretEnvironment = ["TW_TOKEN": "tw-secret"] }) { app in
            let t = try await Fixtures.tenant(app, slug: "tw")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            var ids: [UUID] = []
            for i in 0..<3 {
                ids.append(try await app.services.outbox.enqueue(.sms(OutgoingSMS(to: "+25078800010\(i)", body: "Reminder \(i)")), in: scope).id!)
            }
            var now = Date()
            for _ in 0..<6 {
                try await app.services.outboxWorker.runOnce(now: now)
                now = now.addingTimeInterval(7200)
            }
            let rows = try await scope.query(OutboxMessage.self).all()
            #expect(rows.allSatisfy { $0.status == .sent }, "\(rows.map { "\($0.status) \($0.lastError ?? "")" })")
            #expect(Set(rows.compactMap(\.providerMessageID)).count == 3)
            let accepted = await fake.accepted
            #expect(accepted.count == 3, "each message accepted once")
            #expect(Set(accepted.map(\.to)) == ["+250788000100", "+250788000101", "+250788000102"])
            #expect(accepted.allSatisfy { $0.authorization == "Basic " + Data("AC_test_sid:tw-secret".utf8).base64EncodedString() })
            #expect(await fake.failures == 4)
            let health = await app.services.integrations.health(ofSlug: "tw")[.sms]
            #expect(health?.lastSuccessAt != nil && health?.lastError?.contains("503") == true)
        }
    }
}

/// A fake Twilio Messages API on 127.0.0.1: the real path, basic auth and form body; 503 with
/// Twilio's error body for the first `failFirst` requests, then 201 with a message SID.
actor FakeTwilio {
    struct Accepted: Sendable {
        let to: String
        let authorization: String
        var body: String = ""
    }

    let app: Application
    let port: Int
    private(set) var accepted: [Accepted] = []
    private(set) var failures = 0
    private var failFirst: Int

    private let accountSID: String

    private init(app: Application, port: Int, failFirst: Int, accountSID: String) {
        self.accountSID = accountSID
        self.app = app
        self.port = port
        self.failFirst = failFirst
    }

    static func start(failFirst: Int, accountSID: String = "AC_test_sid") async throws -> FakeTwilio {
        let app = try await Application.make(.testing)
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        let box = Mutex<FakeTwilio?>(nil)
        app.post("2010-04-01", "Accounts", ":sid", "Messages.json") { req async throws -> Response in
            guard let fake = box.withLock({ $0 }) else { throw Abort(.internalServerError) }
            return try await fake.handle(req)
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = app.http.server.shared.localAddress?.port ?? 0
        let fake = FakeTwilio(app: app, port: port, failFirst: failFirst, accountSID: accountSID)
        box.withLock { $0 = fake }
        return fake
    }

    func handle(_ req: Request) throws -> Response {
        guard req.parameters.get("sid") == accountSID, req.headers.contentType == .urlEncodedForm else {
            return Response(status: .badRequest, body: .init(string: #"{"code":20001,"message":"bad request","status":400}"#))
        }
        if failures < failFirst {
            failures += 1
            return Response(status: .serviceUnavailable, headers: ["Content-Type": "application/json"],
                            body: .init(string: #"{"code":20503,"message":"Service unavailable","status":503}"#))
        }
        struct Form: Content {
            let To: String
            let From: String
            let Body: String
        }
        let form = try req.content.decode(Form.self)
        accepted.append(Accepted(to: form.To, authorization: req.headers.first(name: .authorization) ?? "", body: form.Body))
        let sid = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return Response(status: .created, headers: ["Content-Type": "application/json"],
                        body: .init(string: #"{"sid":"\#(sid)","status":"queued","to":"\#(form.To)"}"#))
    }

    func stop() async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }
}
