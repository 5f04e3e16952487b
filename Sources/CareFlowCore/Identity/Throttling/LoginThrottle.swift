import Crypto
import FluentKit
import Foundation
import SQLKit

/// Per-account and per-address backoff for password and TOTP attempts. The account key is
/// derived from the email whether or not the account exists, so a locked unknown email and a
/// locked real one answer identically.
///
/// An attempt is *reserved* before it is evaluated: one atomic upsert per key counts it and
/// sets the lock when the count reaches the limit, and refuses it when a lock is already in
/// force. So N parallel guesses evaluate at most the cap, whatever the interleaving, on SQLite
/// and PostgreSQL alike; a success then clears the account's count and gives the address its
/// attempt back.
public struct LoginThrottle: Sendable {
    let db: any Database
    let policy: ThrottlePolicy

    public init(db: any Database, policy: ThrottlePolicy) {
        self.db = db
        self.policy = policy
    }

    public struct Keys: Sendable {
        public let account: String
        public let ip: String?

        public init(scope: String, email: String, ip: String?) {
            let digest = SHA256.hash(data: Data("\(scope)\u{1F}\(BlindIndexKind.email.normalise(email))".utf8))
            account = "account:" + digest.map { String(format: "%02x", $0) }.joined()
            self.ip = ip.map { "ip:" + $0 }
        }

        /// For the TOTP step, where the account is known by id.
        public init(subjectID: UUID, ip: String?) {
            account = "account:" + subjectID.lowercasedString
            self.ip = ip.map { "ip:" + $0 }
        }
    }

    /// One reserved attempt. Report its outcome with `succeeded` (a failure needs no report:
    /// it was counted when reserved).
    public struct Attempt: Sendable {
        public let keys: Keys
        /// This attempt brought the account to its lock threshold: if it fails, the account is
        /// now locked.
        public let locksAccount: Bool
    }

    /// Counts an attempt against the account and the address, or throws `rateLimited` (and
    /// counts nothing) while either is locked.
    public func reserve(_ keys: Keys, now: Date = Date()) async throws -> Attempt {
        let sql = try sqlDatabase()
        if let ip = keys.ip {
            guard try await reserve(ipKey: ip, now: now, on: sql) != nil else { throw try await lockedError(keys, now: now) }
        }
        guard let failures = try await reserve(accountKey: keys.account, now: now, on: sql) else {
            if let ip = keys.ip { try await refund(ipKey: ip, on: sql) }
            throw try await lockedError(keys, now: now)
        }
        return Attempt(keys: keys, locksAccount: failures >= policy.accountThreshold)
    }

    /// The attempt was right: the account starts afresh and the address gets its attempt back
    /// (its budget counts failures, and one good login must not reset a guessing bot's).
    public func succeeded(_ attempt: Attempt) async throws {
        let sql = try sqlDatabase()
        try await sql.delete(from: AuthThrottle.schema).where("key", .equal, attempt.keys.account).run()
        if let ip = attempt.keys.ip { try await refund(ipKey: ip, on: sql) }
    }

    // MARK: - Statements

    /// Account: count one more consecutive failure; from the threshold on, lock for the
    /// doubling duration of that count. Answers the new count, or nil when a lock is in force.
    private func reserve(accountKey key: String, now: Date, on sql: any SQLDatabase) async throws -> Int? {
        let next = SQLRaw("\(AuthThrottle.schema).failures + 1")
        let lock = lockExpression(count: next, now: now, otherwise: SQLRaw("NULL"))
        let firstLock: Date? = policy.accountLockDuration(afterFailures: 1).map { now.addingTimeInterval($0) }
        return try await upsert(key: key, now: now, firstLock: firstLock, failures: next, windowStartedAt: SQLRaw("\(AuthThrottle.schema).window_started_at"),
                                lockedUntil: lock, on: sql)
    }

    /// Address: count one more failure in the current window (a new window starts at 1); at the
    /// threshold, lock the address.
    private func reserve(ipKey key: String, now: Date, on sql: any SQLDatabase) async throws -> Int? {
        let windowStart = now.addingTimeInterval(-policy.ipWindow)
        let table = AuthThrottle.schema
        let expired = SQLQueryString("\(ident: table).window_started_at < \(bind: windowStart)")
        let next = SQLQueryString("(CASE WHEN \(expired) THEN 1 ELSE \(ident: table).failures + 1 END)")
        let lock = SQLQueryString("""
            (CASE WHEN \(next) >= \(literal: policy.ipThreshold) THEN \(bind: now.addingTimeInterval(policy.ipLock)) ELSE NULL END)
            """)
        let window = SQLQueryString("(CASE WHEN \(expired) THEN \(bind: now) ELSE \(ident: table).window_started_at END)")
        let firstLock: Date? = policy.ipThreshold <= 1 ? now.addingTimeInterval(policy.ipLock) : nil
        return try await upsert(key: key, now: now, firstLock: firstLock, failures: next, windowStartedAt: window, lockedUntil: lock,
                                on: sql)
    }

    /// One statement, so the database serialises concurrent attempts on a key: insert the first
    /// failure, or update the row only while it is not locked, and answer the new count.
    private func upsert(key: String, now: Date, firstLock: Date?, failures: any SQLExpression, windowStartedAt: any SQLExpression,
                        lockedUntil: any SQLExpression, on sql: any SQLDatabase) async throws -> Int? {
        let table = AuthThrottle.schema
        let unlocked: SQLQueryString = "(\(ident: table).locked_until IS NULL OR \(ident: table).locked_until <= \(bind: now))"
        let rows = try await sql.raw("""
            INSERT INTO \(ident: table) (id, key, failures, window_started_at, locked_until)
            VALUES (\(bind: UUID()), \(bind: key), 1, \(bind: now), \(bind: firstLock))
            ON CONFLICT (key) DO UPDATE SET
                failures = \(failures), window_started_at = \(windowStartedAt), locked_until = \(lockedUntil)
            WHERE \(unlocked)
            RETURNING failures
            """).all()
        return try rows.first?.decode(column: "failures", as: Int.self)
    }

    /// Gives back a reserved attempt of an address. The lock it may have set stays: erring
    /// towards the lock is safe, and the window ends it anyway.
    private func refund(ipKey key: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE \(ident: AuthThrottle.schema) SET failures = failures - 1 WHERE key = \(bind: key) AND failures > 0
            """).run()
    }

    /// `CASE count WHEN threshold THEN now+lock … ELSE now+maxLock END` for counts at or past
    /// the threshold: the policy's doubling written out, since it stops at `maxLock` after a
    /// few steps.
    private func lockExpression(count: any SQLExpression, now: Date, otherwise: any SQLExpression) -> SQLQueryString {
        var cases: SQLQueryString = "(CASE"
        var failures = policy.accountThreshold
        while let duration = policy.accountLockDuration(afterFailures: failures), duration < policy.maxLock, failures < policy.accountThreshold + 20 {
            cases.appendInterpolation(unsafeRaw: " WHEN ")
            cases.appendInterpolation(count)
            cases.appendInterpolation(unsafeRaw: " = \(failures) THEN ")
            cases.appendInterpolation(bind: now.addingTimeInterval(duration))
            failures += 1
        }
        cases.appendInterpolation(unsafeRaw: " WHEN ")
        cases.appendInterpolation(count)
        cases.appendInterpolation(unsafeRaw: " >= \(policy.accountThreshold) THEN ")
        cases.appendInterpolation(bind: now.addingTimeInterval(policy.maxLock))
        cases.appendInterpolation(unsafeRaw: " ELSE ")
        cases.appendInterpolation(otherwise)
        cases.appendInterpolation(unsafeRaw: " END)")
        return cases
    }

    // MARK: - Reading

    private func lockedUntil(_ keys: Keys, now: Date) async throws -> Date? {
        let all = [keys.account] + (keys.ip.map { [$0] } ?? [])
        let rows = try await AuthThrottle.query(on: db).filter(\.$key ~~ all).all()
        return rows.compactMap(\.lockedUntil).filter { $0 > now }.max()
    }

    private func lockedError(_ keys: Keys, now: Date) async throws -> AppError {
        // The lock may have ended between the refusal and this read; a short wait still tells
        // the client to come back rather than at once.
        let until = try await lockedUntil(keys, now: now) ?? now.addingTimeInterval(1)
        return AppError.rateLimited(retryAfterSeconds: Self.seconds(until, now))
    }

    private static func seconds(_ until: Date, _ now: Date) -> Int {
        max(1, Int(until.timeIntervalSince(now).rounded(.up)))
    }

    private func sqlDatabase() throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        return sql
    }
}
