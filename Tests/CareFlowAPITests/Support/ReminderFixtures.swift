@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import TwilioAdapter
import VaporTesting

/// A tenant whose SMS go to a fake Twilio on 127.0.0.1 (Twilio's wire format) and whose Twilio
/// webhooks are signed for `https://hooks.example.org`, for the reminder tests (issue 13).
enum ReminderFixtures {
    static let twilioToken = "reminders-twilio-token"
    static let slug = "rem"

    static func tenantFile(zone: String, twilioPort: Int, email: String = "{adapter: console}", extra: String = "") -> String {
        """
        slug: \(slug)
        name: Reminder tenant
        timezone: \(zone)
        integrations:
          sms: {adapter: twilio, account_sid: AC_test_sid, auth_token: env:REM_TWILIO_TOKEN, from: "+15005550006", base_url: "http://127.0.0.1:\(twilioPort)", webhook_base_url: "https://hooks.example.org"}
          email: \(email)
        \(extra)
        """
    }

    /// The app with the tenant `rem` (facilities in `zone`), its fake Twilio, and `clock` as the
    /// reminder clock (what SMS replies take for "now"). `email` is the tenant's email adapter
    /// (console unless a test sends to a real SMTP server), `secrets` what its `env:` names read.
    static func with(_ backend: TestBackend, zone: String = "Africa/Kigali", email: String = "{adapter: console}", extra: String = "",
                     secrets: [String: String] = [:], clock: (any WallClock)? = nil,
                     _ body: (Application, TestTenant, FakeTwilio) async throws -> Void) async throws {
        let fake = try await FakeTwilio.start(failFirst: 0)
        do {
            try await withCareFlow(backend, tenantFiles: ["\(slug).yaml": tenantFile(zone: zone, twilioPort: fake.port, email: email, extra: extra)],
                                   configure: { config in
                config.secretEnvironment = secrets.merging(["REM_TWILIO_TOKEN": twilioToken]) { _, ours in ours }
                if let clock { config.reminderClock = clock }
            }) { app in
                let t = try await Fixtures.tenant(app, slug: slug)
                let scope = TenantScope(tenantID: t.id, db: app.db)
                for facility in [t.f1, t.f2] {
                    facility.timezone = zone
                    try await scope.update(facility)
                }
                try await body(app, t, fake)
            }
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }

    /// One scheduler pass at `now`, then delivery of what is due: `careflow worker --once --now`.
    @discardableResult
    static func pass(_ app: Application, at now: Date) async throws -> ReminderPassReport {
        try await WorkerCommand.once(app.services, now: now).0
    }

    static func ledger(_ app: Application, _ t: TestTenant) async throws -> [ReminderDelivery] {
        try await TenantScope(tenantID: t.id, db: app.db).query(ReminderDelivery.self).sort(\.$scheduledAt).all()
    }

    /// An inbound SMS through `POST /webhooks/rem/twilio/sms`, signed as Twilio signs it.
    static func inboundSMS(_ app: Application, from phone: String, body text: String, sid: String = "SM" + UUID().uuidString.prefix(8))
    async throws -> TestingHTTPResponse {
        let path = "/webhooks/\(slug)/twilio/sms"
        let params = [("MessageSid", sid), ("AccountSid", "AC_test_sid"), ("From", phone), ("To", "+15005550006"), ("Body", text)]
        let signature = TwilioSignature.signature(url: "https://hooks.example.org" + path, parameters: params, authToken: twilioToken)
        let form = params.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try await app.send(.POST, path, json: form, headers: [("Content-Type", "application/x-www-form-urlencoded"),
                                                                     ("X-Twilio-Signature", signature)])
    }

    /// The wall-clock instant `hour:minute` of the day `daysAhead` from today, at `zone`.
    static func local(daysAhead: Int, _ hour: Int, _ minute: Int = 0, zone: TimeZone) -> Date {
        SchedulingFixtures.day(daysAhead: daysAhead, zone: zone).instant(atMinute: hour * 60 + minute, in: zone)
    }
}

/// A reminder clock a test sets.
final class TestClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }

    func now() -> Date { lock.withLock { current } }
    func set(_ instant: Date) { lock.withLock { current = instant } }
    func sleep(for duration: Duration) async throws { try await Task.sleep(for: .milliseconds(1)) }
}
