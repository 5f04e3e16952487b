import FluentKit
import Foundation
import SQLKit

/// Appends events to the per-tenant hash chains. Appends to one chain are serialised: in this
/// process by an actor, across processes on PostgreSQL by a transaction-scoped advisory lock;
/// the unique (chain, seq) index turns any remaining race into a retry, never a fork.
public final class AuditLog: Sendable {
    private let serializer = ChainSerializer()

    public init() {}

    public static func chainKey(for tenantID: UUID?) -> String {
        tenantID?.uuidString.lowercased() ?? "platform"
    }

    @discardableResult
    public func append(_ record: AuditRecord, origin: RequestOrigin, on db: any Database) async throws -> AuditEvent {
        let chain = Self.chainKey(for: record.tenantID)
        return try await serializer.run(chain: chain) {
            var attempt = 0
            while true {
                do {
                    return try await db.transaction { tx in
                        try await Self.lockChain(chain, on: tx)
                        let last = try await AuditEvent.query(on: tx)
                            .filter(\.$chain == chain).sort(\.$seq, .descending).first()
                        let event = AuditEvent()
                        event.chain = chain
                        event.seq = (last?.seq ?? 0) + 1
                        event.tenantID = record.tenantID
                        event.facilityID = record.facilityID
                        event.actorKind = record.actor.kind
                        event.actorID = record.actor.id
                        event.action = record.action
                        event.outcome = record.outcome.rawValue
                        event.targetType = record.targetType
                        event.targetID = record.targetID
                        event.requestID = origin.requestID
                        event.ip = origin.ip
                        event.details = AuditHasher.canonicalJSON(record.details)
                        event.occurredAtMs = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
                        event.prevHash = last?.hash ?? AuditHasher.genesis
                        event.hash = AuditHasher.hash(of: event)
                        try await event.create(on: tx)
                        return event
                    }
                } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 5 {
                    attempt += 1
                }
            }
        }
    }

    private static func lockChain(_ chain: String, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            var hasher = Hasher64()
            let key = hasher.fnv1a(chain)
            try await sql.raw("SELECT pg_advisory_xact_lock(\(literal: key))").run()
        } else {
            // SQLite: become the writer before reading the chain head. A transaction that reads
            // first and writes later fails with SQLITE_BUSY when another connection committed in
            // between; one that starts with a write simply waits for the lock.
            try await sql.raw("UPDATE audit_events SET seq = seq WHERE 1 = 0").run()
        }
    }
}

/// Serialises work per chain key inside this process.
private actor ChainSerializer {
    private var tails: [String: Task<Void, Never>] = [:]

    func run<T: Sendable>(chain: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let previous = tails[chain]
        let task = Task { () async throws -> T in
            await previous?.value
            return try await body()
        }
        tails[chain] = Task { _ = try? await task.value }
        return try await task.value
    }
}

/// A stable 64-bit hash (FNV-1a); Swift's `Hasher` is seeded per process and cannot be shared.
struct Hasher64 {
    mutating func fnv1a(_ s: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return Int64(bitPattern: h)
    }
}
