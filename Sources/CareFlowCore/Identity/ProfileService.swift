import FluentKit
import Foundation

/// The caller's own account settings. Only tenant accounts have them: a platform operator's
/// account is an email and a password.
public struct ProfileService: Sendable {
    let db: any Database
    let keyring: Keyring
    let audit: AuditLog
    let memo: SealedAccountMemo

    public init(db: any Database, keyring: Keyring, audit: AuditLog, memo: SealedAccountMemo = SealedAccountMemo(ttl: 0)) {
        self.db = db
        self.keyring = keyring
        self.audit = audit
        self.memo = memo
    }

    /// `on`: the request's own connection, when the caller has one, so reads spread over every
    /// event loop's connection instead of queuing on the service's.
    public func profile(of principal: Principal, on requestDB: (any Database)? = nil) async throws -> AccountProfile {
        let generation = memo.generation
        // The entry ages from before the read, not from when it returns: a read slowed by load
        // must not stretch how long another replica's change can stay unseen beyond the ttl.
        let readStarted = Date()
        let (user, cipher) = try await account(of: principal, on: requestDB ?? db)
        memo.remember(user, cipher: cipher, readAt: generation, now: readStarted)
        return try Self.profile(user, cipher: cipher)
    }

    /// The caller's profile from the fields read a moment ago (`SealedAccountMemo`), opened
    /// now; nil when they are not in memory.
    public func rememberedProfile(of principal: Principal) throws -> AccountProfile? {
        guard principal.kind == .user, principal.tenantID != nil, let entry = memo.entry(of: principal.subjectID) else { return nil }
        let cipher = entry.cipher
        return AccountProfile(
            email: try cipher.open(entry.email), displayName: try cipher.open(entry.displayName),
            phone: try cipher.open(entry.phone), locale: entry.locale,
            notificationChannels: Self.channels(entry.notificationChannels))
    }

    public func update(_ changes: ProfileChanges, of principal: Principal, origin: RequestOrigin) async throws -> AccountProfile {
        let (user, cipher) = try await account(of: principal, on: db)
        if let v = changes.displayName { user.displayNameSealed = try v.map { try cipher.seal($0) } }
        if let v = changes.phone { user.phoneSealed = try v.map { try cipher.seal($0) } }
        if let v = changes.locale { user.locale = v }
        if let v = changes.notificationChannels {
            // Stored in the enumeration's order, so the answer does not depend on the request's.
            user.notificationChannels = NotificationChannel.allCases.filter(v.contains).map(\.rawValue).joined(separator: ",")
        }
        let event = AuditRecord(tenantID: user.tenantID, actor: principal.auditActor, action: .profileUpdate, targetType: "user",
                                targetID: user.id!.lowercasedString, details: ["fields": changes.fieldNames.joined(separator: ",")])
        try await TenantScope(tenantID: user.tenantID, db: db).auditedWrite(by: audit, origin: origin) { scope in
            try await scope.update(user)
            return event
        }
        memo.forget(principal.subjectID)
        return try Self.profile(user, cipher: cipher)
    }

    private func account(of principal: Principal, on db: any Database) async throws -> (User, FieldCipher) {
        guard principal.kind == .user, let tenantID = principal.tenantID else {
            throw AppError.forbidden("Only tenant accounts have a profile to edit")
        }
        let user = try await TenantScope(tenantID: tenantID, db: db).require(User.self, principal.subjectID, name: "Account")
        return (user, try await keyring.cipher(forTenant: tenantID, on: db))
    }

    static func profile(_ user: User, cipher: FieldCipher) throws -> AccountProfile {
        AccountProfile(
            email: try cipher.open(user.emailSealed), displayName: try cipher.open(user.displayNameSealed),
            phone: try cipher.open(user.phoneSealed), locale: user.locale,
            notificationChannels: channels(user.notificationChannels))
    }

    static func channels(_ stored: String?) -> [NotificationChannel]? {
        stored.map { $0.split(separator: ",").compactMap { NotificationChannel(rawValue: String($0)) } }
    }
}
