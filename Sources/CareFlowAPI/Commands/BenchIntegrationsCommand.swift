import CareFlowCore
import Fluent
import StripeAdapter
import Vapor

/// `careflow bench stripe-events --count N --secret S --out FILE`: N distinct Stripe events
/// signed as Stripe signs them, one `signature<TAB>body` line each, for the webhook benchmark.
/// The timestamps are now: run wrk within the 300 s tolerance.
struct BenchStripeEvents: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "count") var count: Int?
        @Option(name: "secret") var secret: String?
        @Option(name: "out") var out: String?
    }

    var help: String { "Write N signed Stripe events for the webhook benchmark" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let secret = signature.secret, let out = signature.out else { throw CLIError("--secret and --out are required") }
        let count = signature.count ?? 100_000
        let now = Int(Date().timeIntervalSince1970)
        var lines: [String] = []
        lines.reserveCapacity(count)
        for i in 0..<count {
            let body = #"{"id":"evt_bench_\#(now)_\#(i)","object":"event","type":"payment_intent.succeeded","created":\#(now),"#
                + #""data":{"object":{"id":"pi_bench_\#(i)","object":"payment_intent","amount":\#(1000 + i % 5000),"currency":"usd"}}}"#
            lines.append(StripeSignature.header(payload: Data(body.utf8), secret: secret, timestamp: now) + "\t" + body)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }
}

/// `careflow bench outbox --count N`: queues N SMS for a throw-away tenant whose Twilio adapter
/// points at a fake Twilio on 127.0.0.1 (this process), then delivers them with the real worker
/// and adapter and prints deliveries per second.
struct BenchOutbox: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "count") var count: Int?
        @Option(name: "workers", help: "Concurrent worker loops (default 2)") var workers: Int?
    }

    var help: String { "Outbox deliveries per second through the Twilio adapter against a loopback fake" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let count = signature.count ?? 5000, workers = signature.workers ?? 2
        let fake = try await Application.make(.production)
        fake.logger.logLevel = .error
        fake.post("2010-04-01", "Accounts", ":sid", "Messages.json") { _ -> Response in
            let sid = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            return Response(status: .created, headers: ["Content-Type": "application/json"],
                            body: .init(string: #"{"sid":"\#(sid)","status":"queued"}"#))
        }
        try await fake.server.start(address: .hostname("127.0.0.1", port: 0))
        defer { Task { await fake.server.shutdown(); try? await fake.asyncShutdown() } }
        let port = fake.http.server.shared.localAddress?.port ?? 0

        let slug = "bench-outbox-\(Int(Date().timeIntervalSince1970))"
        var config = TenantConfiguration(slug: slug, name: "Outbox benchmark", timezone: "UTC")
        config.integrations[.sms] = IntegrationSettings(adapter: "twilio", settings: [
            "account_sid": .plain("AC_bench"), "auth_token": .secret(.env("BENCH_TWILIO_TOKEN")),
            "from": .plain("+15005550006"), "base_url": .plain("http://127.0.0.1:\(port)"),
        ])
        try app.services.tenants.register(config, writeFile: false)
        let result = try await app.services.onboarding.onboard(slug: slug, name: config.name, adminEmail: "admin@\(slug).bench",
                                                               adminPassword: "Bench-\(UUID().uuidString)", actor: .system, origin: .none)
        let scope = TenantScope(tenantID: result.tenant.id!, db: app.db)
        for i in 0..<count {
            try await app.services.outbox.enqueue(.sms(OutgoingSMS(to: String(format: "+1555%07d", i), body: "Reminder \(i)")), in: scope)
        }
        let worker = app.services.outboxWorker
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask { while try await worker.runOnce() > 0 {} }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let sent = try await scope.query(OutboxMessage.self).filter(\.$status == .sent).count()
        context.console.print(String(format: "outbox: %d of %d SMS delivered through the Twilio adapter in %.2f s = %.0f deliveries/s (%d workers)",
                                     sent, count, seconds, Double(sent) / seconds, workers))
    }
}
