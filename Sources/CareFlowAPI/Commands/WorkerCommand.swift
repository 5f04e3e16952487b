import CareFlowCore
import Foundation
import Vapor

/// `careflow worker`: runs the reminder scheduler and delivers the outbox without serving HTTP,
/// for deployments that run `serve` with `CAREFLOW_WORKER=off`. Several can run at once on
/// PostgreSQL. `--once` runs one reminder pass and delivers what is due, then exits; with
/// `--now <ISO-8601>` that pass (and the delivery) happen at the given instant, which is how an
/// operator checks from outside which reminders an instant sends.
struct WorkerCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "once", help: "Run one reminder pass and deliver what is due now, then exit") var once: Bool
        @Option(name: "now", help: "With --once: the instant of the pass, ISO-8601 (2026-03-29T08:00:00+02:00)") var now: String?
    }

    var help: String { "Send due reminders and deliver queued email, SMS and push messages" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let services = context.application.services
        if signature.once {
            let now = try Self.instant(signature.now) ?? services.configuration.reminderClock.now()
            let (report, handled) = try await Self.once(services, now: now)
            context.console.print(report.description)
            context.console.print("\(handled) messages handled")
            return
        }
        if signature.now != nil { throw ConfigurationError(reason: "--now needs --once (a running worker follows the clock)") }
        let clock = services.configuration.reminderClock
        let reminders = services.reminders
        let worker = services.outboxWorker
        let tasks = [Task { await worker.run() }, Task { await reminders.run(clock: clock) }]
        // Stop on SIGTERM / SIGINT after the message in hand.
        let (stop, continuation) = AsyncStream<Void>.makeStream()
        nonisolated(unsafe) var sources: [any DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { continuation.yield() }
            source.resume()
            sources.append(source)
        }
        defer { sources.forEach { $0.cancel() } }
        context.application.logger.notice("outbox worker and reminder scheduler started")
        for await _ in stop { break }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    /// What `--once` does: one reminder pass at `now`, then every outbox message due at `now`
    /// delivered (the pass queues its messages due at `now`). Returns the pass and the count of
    /// messages handled.
    static func once(_ services: AppServices, now: Date) async throws -> (ReminderPassReport, Int) {
        let report = try await services.reminders.runPass(now: now)
        var total = 0
        while true {
            let handled = try await services.outboxWorker.runOnce(now: now)
            total += handled
            if handled == 0 { break }
        }
        return (report, total)
    }

    /// `--now`: an ISO-8601 instant with a zone (`Z` or an offset), fractional seconds allowed.
    /// Anything else is refused with the accepted form, before any work.
    static func instant(_ text: String?) throws -> Date? {
        guard let text else { return nil }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = plain.date(from: text) ?? fractional.date(from: text) else {
            throw ConfigurationError(reason: "--now: '\(text.prefix(64))' is not an ISO-8601 instant (expected e.g. 2026-03-29T08:00:00Z or 2026-03-29T10:00:00+02:00)")
        }
        return date
    }
}
