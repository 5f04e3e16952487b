import Crypto
import FluentKit
import Foundation

/// Per-account and per-address backoff for password and TOTP attempts. The account key is
/// derived from the email whether or not the account exists, so a locked unknown email and a
/// locked real one answer identically.
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
            account = "account:" + subjectID.uuidString.lowercased()
            self.ip = ip.map { "ip:" + $0 }
        }

        var all: [String] { [account] + (ip.map { [$0] } ?? []) }
    }

    /// Throws `rateLimited` while the account or the address is locked.
    public func check(_ keys: Keys, now: Date = Date()) async throws {
        let rows = try await AuthThrottle.query(on: db).filter(\.$key ~~ keys.all).all()
        let until = rows.compactMap(\.lockedUntil).filter { $0 > now }.max()
        if let until { throw AppError.rateLimited(retryAfterSeconds: max(1, Int(until.timeIntervalSince(now).rounded(.up)))) }
    }

    /// Counts a failure; returns true when it locked the account.
    @discardableResult
    public func recordFailure(_ keys: Keys, now: Date = Date()) async throws -> Bool {
        var locked = false
        for key in keys.all {
            let isAccount = key == keys.account
            let row = try await AuthThrottle.query(on: db).filter(\.$key == key).first() ?? AuthThrottle(key: key, now: now)
            if !isAccount, now.timeIntervalSince(row.windowStartedAt) > policy.ipWindow {
                row.failures = 0
                row.windowStartedAt = now
            }
            row.failures += 1
            if isAccount, let lock = policy.accountLockDuration(afterFailures: row.failures) {
                row.lockedUntil = now.addingTimeInterval(lock)
                locked = true
            } else if !isAccount, row.failures >= policy.ipThreshold {
                row.lockedUntil = now.addingTimeInterval(policy.ipLock)
            }
            do {
                try await row.save(on: db)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // Another request created the row first; its count stands.
            }
        }
        return locked
    }

    /// A success clears the account's count (not the address's: one good login from a
    /// guessing bot must not reset its budget).
    public func recordSuccess(_ keys: Keys) async throws {
        try await AuthThrottle.query(on: db).filter(\.$key == keys.account).delete()
    }
}
