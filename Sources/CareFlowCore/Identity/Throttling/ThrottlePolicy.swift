import Foundation

/// Limits on failed password and TOTP attempts.
public struct ThrottlePolicy: Sendable {
    /// Consecutive failures on one account before it locks.
    public var accountThreshold: Int
    /// First lock; each further failure doubles it up to `maxLock`.
    public var accountLock: TimeInterval
    public var maxLock: TimeInterval
    /// Failures from one address within `ipWindow` before the address locks for `ipLock`.
    public var ipThreshold: Int
    public var ipWindow: TimeInterval
    public var ipLock: TimeInterval

    public init(accountThreshold: Int = 5, accountLock: TimeInterval = 300, maxLock: TimeInterval = 3600,
                ipThreshold: Int = 50, ipWindow: TimeInterval = 900, ipLock: TimeInterval = 900) {
        self.accountThreshold = accountThreshold
        self.accountLock = accountLock
        self.maxLock = maxLock
        self.ipThreshold = ipThreshold
        self.ipWindow = ipWindow
        self.ipLock = ipLock
    }

    /// How long the account stays locked after its `failures`-th consecutive failure.
    public func accountLockDuration(afterFailures failures: Int) -> TimeInterval? {
        guard failures >= accountThreshold else { return nil }
        let doublings = min(failures - accountThreshold, 20)
        return min(accountLock * pow(2, Double(doublings)), maxLock)
    }
}
