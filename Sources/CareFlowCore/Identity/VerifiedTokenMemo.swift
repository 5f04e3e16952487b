import Foundation

/// Access tokens whose signature this process has already checked, with their claims. A
/// client presents the same token on every request for its 15 minutes; an Ed25519 check each
/// time was a tenth of an authenticated request's CPU. Only the exact token string is
/// remembered (a changed byte is a different key), expiry is still checked on every use, and
/// the memo is dropped whenever the key set changes.
final class VerifiedTokenMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var claims: [String: AccessTokenClaims] = [:]
    private let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    func claims(of token: String) -> AccessTokenClaims? {
        lock.lock()
        defer { lock.unlock() }
        return claims[token]
    }

    func remember(_ verified: AccessTokenClaims, of token: String, now: Date) {
        lock.lock()
        defer { lock.unlock() }
        if claims.count >= capacity {
            // Expired tokens go first; if the memo is still full, it starts over.
            claims = claims.filter { $0.value.exp.value > now }
            if claims.count >= capacity { claims.removeAll(keepingCapacity: true) }
        }
        claims[token] = verified
    }

    func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        claims.removeAll()
    }
}
