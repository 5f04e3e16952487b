import CareFlowCore
import Foundation
import Vapor

/// `careflow bench audit-append --count N --concurrency C [--tenant-id ID]`: appends N audit
/// events from C concurrent tasks through the group-committing `AuditLog`, printing one
/// `ack <seq> <event-id>` line the moment each append returns (written straight to the file
/// descriptor, so a process killed mid-run has printed exactly what it had acknowledged), then
/// the rate. Used by the audit benchmark and by the crash and multi-process tests.
struct BenchAuditAppend: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "count") var count: Int?
        @Option(name: "concurrency") var concurrency: Int?
        @Option(name: "tenant-id", help: "Chain to append to (default: the platform chain)") var tenantID: String?
        @Flag(name: "quiet", help: "Print only the rate") var quiet: Bool
    }

    var help: String { "Audit appends per second (group commit); prints each acknowledged event" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let count = signature.count ?? 10_000, concurrency = max(1, signature.concurrency ?? 64)
        let tenantID = try signature.tenantID.map { text -> UUID in
            guard let id = UUID(uuidString: text) else { throw CLIError("--tenant-id must be a UUID") }
            return id
        }
        let app = context.application
        let audit = app.services.audit
        let pid = String(ProcessInfo.processInfo.processIdentifier)
        let quiet = signature.quiet
        let started = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var i = worker
                    while i < count {
                        let event = try await audit.append(
                            AuditRecord(tenantID: tenantID, actor: .system, action: .benchAuditAppend,
                                        details: ["i": String(i), "pid": pid]),
                            origin: .none, on: app.db)
                        if !quiet { Self.write("ack \(event.seq) \(event.id!.lowercasedString)\n") }
                        i += concurrency
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = Date().timeIntervalSince(started)
        Self.write(String(format: "audit appends=%d seconds=%.2f per_s=%.0f\n", count, seconds, Double(count) / seconds))
    }

    /// Unbuffered, so what was printed before a kill is what the reader sees.
    private static func write(_ line: String) {
        FileHandle.standardOutput.write(Data(line.utf8))
    }
}
