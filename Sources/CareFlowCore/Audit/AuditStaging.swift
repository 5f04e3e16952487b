import FluentKit
import Logging
import Synchronization

/// The chains a write transaction staged events for, to link once it has committed.
///
/// `WriteTransaction` sets one for its body (and the tasks it starts); `AuditLog.append` inside
/// a transaction stages its event there instead of linking it under the chain's lock. Without
/// one (a plain `transaction`), an append inside a transaction links at once, as before.
final class AuditStaging: Sendable {
    @TaskLocal static var current: AuditStaging?

    private struct Entry {
        let log: AuditLog
        let chain: String
    }

    private let entries = Mutex<[Entry]>([])
    private static let logger = Logger(label: "careflow.audit")

    func staged(by log: AuditLog, chain: String) {
        entries.withLock { entries in
            if !entries.contains(where: { $0.log === log && $0.chain == chain }) {
                entries.append(Entry(log: log, chain: chain))
            }
        }
    }

    /// Links what was staged; the transaction has ended (committed, or rolled back: then there is
    /// nothing of it to link, and the batch links whatever else waits). The events are durable
    /// already, so a failure here fails no request: the next batch of the chain or the next
    /// start links them.
    func link(on db: any Database) async {
        let entries = entries.withLock { entries in
            defer { entries = [] }
            return entries
        }
        for entry in entries {
            do {
                try await entry.log.linkStaged(chain: entry.chain, on: db)
            } catch {
                Self.logger.warning("staged audit events not linked yet; the next batch of the chain or the next start links them",
                                    metadata: ["chain": "\(entry.chain)", "error": "\(String(reflecting: error))"])
            }
        }
    }
}
