import CareFlowCore
import Vapor

/// `careflow worker`: delivers the outbox without serving HTTP, for deployments that run
/// `serve` with `CAREFLOW_WORKER=off`. Several can run at once on PostgreSQL.
struct WorkerCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "once", help: "Deliver what is due now, then exit") var once: Bool
    }

    var help: String { "Deliver queued email, SMS and push messages" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let worker = context.application.services.outboxWorker
        if signature.once {
            var total = 0
            while true {
                let handled = try await worker.runOnce()
                total += handled
                if handled == 0 { break }
            }
            context.console.print("\(total) messages handled")
            return
        }
        let task = Task { await worker.run() }
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
        context.application.logger.notice("outbox worker started")
        for await _ in stop { break }
        task.cancel()
        await task.value
    }
}
