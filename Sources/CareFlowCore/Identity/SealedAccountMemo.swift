import FluentKit
import Foundation

/// The profile fields of accounts read a moment ago, still sealed, with the cipher that opens
/// them: `GET /api/v1/me` answers from here on the event loop, without a database round trip
/// and without starting a task. Nothing is kept in clear; each answer opens the fields again.
///
/// Staleness is bounded by `ttl` (1 s, as `SessionLiveness`): a change written by another
/// replica shows here within it. A change written by this process shows at once: the writer
/// forgets the entry (`ProfileService.update` itself, since the services' database handle is made
/// before the model middleware is registered; every other `User` saved or deleted through Fluent
/// on a later handle, by `SealedAccountMemo.Invalidation`), and a
/// read that began before a `forget` does not store what it read (`generation`), so a read racing
/// with the write cannot put the old fields back. (A save inside a transaction forgets before its
/// commit: a read in between can keep the old fields, for the ttl at most.)
public final class SealedAccountMemo: @unchecked Sendable {
    public struct Entry: Sendable {
        let email: Sealed<String>
        let displayName: Sealed<String>?
        let phone: Sealed<String>?
        let locale: String?
        let notificationChannels: String?
        let cipher: FieldCipher
    }

    public let ttl: TimeInterval
    let capacity: Int
    private let lock = NSLock()
    private var entries: [UUID: (entry: Entry, storedAt: Date)] = [:]
    private var forgets: UInt64 = 0

    /// `ttl` 0 turns the memory off.
    public init(ttl: TimeInterval = 1, capacity: Int = 100_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    /// The count of `forget`s so far: taken before a read, handed back to `remember`.
    public var generation: UInt64 {
        lock.withLock { forgets }
    }

    public func entry(of userID: UUID, now: Date = Date()) -> Entry? {
        guard ttl > 0 else { return nil }
        return lock.withLock {
            guard let hit = entries[userID], now.timeIntervalSince(hit.storedAt) < ttl else { return nil }
            return hit.entry
        }
    }

    /// Stores `user`'s sealed fields unless something was forgotten since `generation` was taken.
    public func remember(_ user: User, cipher: FieldCipher, readAt generation: UInt64, now: Date = Date()) {
        guard ttl > 0, let id = user.id else { return }
        let entry = Entry(email: user.emailSealed, displayName: user.displayNameSealed, phone: user.phoneSealed,
                          locale: user.locale, notificationChannels: user.notificationChannels, cipher: cipher)
        lock.withLock {
            guard forgets == generation else { return }
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[id] = (entry, now)
        }
    }

    public func forget(_ userID: UUID) {
        lock.withLock {
            forgets &+= 1
            entries[userID] = nil
        }
    }

    /// Forgets an account whenever this process saves or deletes its `User` through Fluent.
    public struct Invalidation: AsyncModelMiddleware {
        public typealias Model = User
        let memo: SealedAccountMemo

        public init(memo: SealedAccountMemo) {
            self.memo = memo
        }

        public func update(model: User, on db: any Database, next: any AnyAsyncModelResponder) async throws {
            defer { if let id = model.id { memo.forget(id) } }
            try await next.update(model, on: db)
        }

        public func delete(model: User, force: Bool, on db: any Database, next: any AnyAsyncModelResponder) async throws {
            defer { if let id = model.id { memo.forget(id) } }
            try await next.delete(model, force: force, on: db)
        }
    }
}
