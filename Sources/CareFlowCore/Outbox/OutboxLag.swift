import FluentKit
import Foundation
import SQLKit

/// How far the outbox workers are behind: the age of the oldest message that is due and not
/// delivered, and how many are waiting. Across every tenant, and no more than counts and ages:
/// these numbers go to `/ready` and `/metrics`.
///
/// A message is due when it is pending and its attempt time has passed, or when it is claimed
/// and its lease has ended (the claiming worker died); it is due since that time.
public struct OutboxLag: Sendable, Equatable {
    /// 0 when nothing is due.
    public let oldestDueAgeSeconds: Double
    /// Due now (nil when only the age was measured).
    public let due: Int?
    /// Not yet delivered, due or later (retries waiting for their time included).
    public let pending: Int?

    /// The age alone: two index seeks on (status, next_attempt_at), cheap enough for every
    /// load-balancer poll however long the queue is.
    public static func oldestDue(on db: any Database, now: Date = Date()) async throws -> OutboxLag {
        let sql = try sqlDatabase(db)
        let pending = try await sql.raw("""
            SELECT MIN(next_attempt_at) AS oldest FROM outbox_messages WHERE status = 'pending' AND next_attempt_at <= \(bind: now)
            """).first()?.decode(column: "oldest", as: Date?.self)
        let expired = try await sql.raw("""
            SELECT MIN(lease_until) AS oldest FROM outbox_messages WHERE status = 'sending' AND lease_until < \(bind: now)
            """).first()?.decode(column: "oldest", as: Date?.self)
        return OutboxLag(oldestDueAgeSeconds: age(of: [pending, expired].compactMap { $0 }.min(), now: now), due: nil, pending: nil)
    }

    /// The age and the counts, for the metrics scrape (every 15 s): counting reads every
    /// undelivered row's index entry.
    public static func measure(on db: any Database, now: Date = Date()) async throws -> OutboxLag {
        let sql = try sqlDatabase(db)
        let oldest = try await oldestDue(on: db, now: now)
        let row = try await sql.raw("""
            SELECT COUNT(*) AS pending,
                   COALESCE(SUM(CASE WHEN (status = 'pending' AND next_attempt_at <= \(bind: now))
                                       OR (status = 'sending' AND lease_until < \(bind: now)) THEN 1 ELSE 0 END), 0) AS due
            FROM outbox_messages WHERE status IN ('pending', 'sending')
            """).first()
        return OutboxLag(oldestDueAgeSeconds: oldest.oldestDueAgeSeconds,
                         due: try row?.decode(column: "due", as: Int.self) ?? 0,
                         pending: try row?.decode(column: "pending", as: Int.self) ?? 0)
    }

    private static func age(of oldest: Date?, now: Date) -> Double {
        guard let oldest else { return 0 }
        return max(0, now.timeIntervalSince(oldest))
    }

    private static func sqlDatabase(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        return sql
    }
}
