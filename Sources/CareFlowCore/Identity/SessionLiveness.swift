import Foundation

/// Which sessions were live a moment ago, kept in memory so an authenticated request does not
/// pay a database round trip to learn it again.
///
/// The bound on staleness is `ttl` (1 s): a revocation or suspension written by another
/// replica takes effect here within it. A revocation made by this process takes effect at
/// once: `SessionRevoker` drops the entries it touches and leaves a tombstone (`quarantine`,
/// longer than any transaction) so that a lookup racing with the revoking transaction's
/// commit cannot put the old answer back. While a tombstone stands, the database is asked.
/// Nothing here is PHI: ids, a status and an expiry.
public final class SessionLiveness: @unchecked Sendable {
    /// What a live session grants, as the database last said.
    public struct Snapshot: Sendable, Equatable {
        public let subjectID: UUID
        public let subjectKind: SubjectKind
        public let tenantID: UUID?
        public let enrolmentOnly: Bool
        public let expiresAt: Date

        public init(subjectID: UUID, subjectKind: SubjectKind, tenantID: UUID?, enrolmentOnly: Bool, expiresAt: Date) {
            self.subjectID = subjectID
            self.subjectKind = subjectKind
            self.tenantID = tenantID
            self.enrolmentOnly = enrolmentOnly
            self.expiresAt = expiresAt
        }
    }

    public let ttl: TimeInterval
    let quarantine: TimeInterval
    let capacity: Int

    private let lock = NSLock()
    private var entries: [UUID: (snapshot: Snapshot, storedAt: Date)] = [:]
    private var sessionTombstones: [UUID: Date] = [:]
    private var subjectTombstones: [UUID: Date] = [:]
    private var tenantTombstones: [UUID: Date] = [:]

    /// `ttl` 0 turns the memory off (every request asks the database).
    public init(ttl: TimeInterval = 1, quarantine: TimeInterval = 30, capacity: Int = 100_000) {
        self.ttl = ttl
        self.quarantine = quarantine
        self.capacity = capacity
    }

    /// The live session as remembered, if it was stored less than `ttl` ago and nothing of
    /// this process has revoked it, its account or its tenant since.
    public func snapshot(of sessionID: UUID, now: Date = Date()) -> Snapshot? {
        guard ttl > 0 else { return nil }
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[sessionID], now.timeIntervalSince(entry.storedAt) < ttl, entry.snapshot.expiresAt > now,
              !isTombstoned(sessionID, entry.snapshot, now: now)
        else { return nil }
        return entry.snapshot
    }

    public func remember(_ snapshot: Snapshot, of sessionID: UUID, now: Date = Date()) {
        guard ttl > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        guard !isTombstoned(sessionID, snapshot, now: now) else { return }
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[sessionID] = (snapshot, now)
    }

    // MARK: - Revocations of this process

    func forget(session sessionID: UUID, now: Date = Date()) {
        mutate(now) { $0.entries[sessionID] = nil; $0.sessionTombstones[sessionID] = now.addingTimeInterval($0.quarantine) }
    }

    func forget(subject subjectID: UUID, now: Date = Date()) {
        mutate(now) { me in
            me.entries = me.entries.filter { $0.value.snapshot.subjectID != subjectID }
            me.subjectTombstones[subjectID] = now.addingTimeInterval(me.quarantine)
        }
    }

    func forget(tenant tenantID: UUID, now: Date = Date()) {
        mutate(now) { me in
            me.entries = me.entries.filter { $0.value.snapshot.tenantID != tenantID }
            me.tenantTombstones[tenantID] = now.addingTimeInterval(me.quarantine)
        }
    }

    private func mutate(_ now: Date, _ body: (SessionLiveness) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        body(self)
        // Tombstones are few (revocations are rare): pruned whenever one is added.
        sessionTombstones = sessionTombstones.filter { $0.value > now }
        subjectTombstones = subjectTombstones.filter { $0.value > now }
        tenantTombstones = tenantTombstones.filter { $0.value > now }
    }

    private func isTombstoned(_ sessionID: UUID, _ snapshot: Snapshot, now: Date) -> Bool {
        if let until = sessionTombstones[sessionID], until > now { return true }
        if let until = subjectTombstones[snapshot.subjectID], until > now { return true }
        if let tenantID = snapshot.tenantID, let until = tenantTombstones[tenantID], until > now { return true }
        return false
    }
}
