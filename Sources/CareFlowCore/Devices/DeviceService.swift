import FluentKit
import Foundation

/// A user's own push devices: register (idempotent per token), list, remove. Another user's
/// device is indistinguishable from one that does not exist.
public struct DeviceService: Sendable {
    let guardian: AccessGuard
    let audit: AuditLog
    let keyring: Keyring

    public init(guardian: AccessGuard, audit: AuditLog, keyring: Keyring) {
        self.guardian = guardian
        self.audit = audit
        self.keyring = keyring
    }

    /// Longest token accepted: FCM registration tokens are about 160 characters, web push
    /// subscriptions a few hundred.
    public static let maxTokenLength = 4096

    /// Registers `token` for the caller. The same token again returns the existing device
    /// (`created == false`), revived if it had been marked dead. A token another user of the
    /// tenant registered moves to the caller: a device signed in by someone else must stop
    /// receiving the previous user's notifications.
    public func register(token: String, platform: Device.Platform,
                         in context: RequestContext) async throws -> (device: Device, created: Bool) {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        try await guardian.authorize(principal, .deviceManage, on: .account(principal.subjectID), origin: origin, db: scope.db)
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let index = cipher.index(token, as: .deviceToken)
        let sealed = try cipher.seal(BlindIndexKind.deviceToken.normalise(token))
        return try await upsert(index: index, sealed: sealed, platform: platform, for: principal, in: scope, origin: origin)
    }

    /// Two first registrations of one token at once: the loser of the unique index tries again
    /// and finds the winner's row.
    private func upsert(index: String, sealed: Sealed<String>, platform: Device.Platform, for principal: Principal,
                        in scope: TenantScope, origin: RequestOrigin) async throws -> (device: Device, created: Bool) {
        do {
            return try await upsertOnce(index: index, sealed: sealed, platform: platform, for: principal, in: scope, origin: origin)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return try await upsertOnce(index: index, sealed: sealed, platform: platform, for: principal, in: scope, origin: origin)
        }
    }

    /// A new or moved device commits with its `device.register` event; a known one has none.
    private func upsertOnce(index: String, sealed: Sealed<String>, platform: Device.Platform, for principal: Principal,
                            in scope: TenantScope, origin: RequestOrigin) async throws -> (device: Device, created: Bool) {
        let tenantID = scope.tenantID
        return try await scope.auditedEach(by: audit, origin: origin) { tx -> ((device: Device, created: Bool), [AuditRecord]) in
            let (device, created, previousOwner) = try await Self.upsert(index: index, sealed: sealed, platform: platform,
                                                                         for: principal, in: tx)
            guard created else { return ((device, false), []) }
            var details = ["platform": platform.rawValue]
            if let previousOwner { details["moved_from_user"] = previousOwner.lowercasedString }
            let record = AuditRecord(tenantID: tenantID, actor: principal.auditActor, action: .deviceRegister, targetType: "device",
                                     targetID: try device.requireID().lowercasedString, details: details)
            return ((device, true), [record])
        }
    }

    private static func upsert(index: String, sealed: Sealed<String>, platform: Device.Platform, for principal: Principal,
                               in tx: TenantScope) async throws -> (Device, Bool, UUID?) {
        if let existing = try await tx.query(Device.self).filter(\.$tokenIndex == index).first() {
            if existing.userID == principal.subjectID {
                if existing.deadAt != nil || existing.platform != platform {
                    existing.deadAt = nil
                    existing.platform = platform
                    try await tx.update(existing)
                }
                return (existing, false, nil)
            }
            try await existing.delete(on: tx.db)
            let moved = Device(tenantID: tx.tenantID, userID: principal.subjectID, platform: platform, tokenSealed: sealed, tokenIndex: index)
            try await tx.create(moved)
            return (moved, true, existing.userID)
        }
        let device = Device(tenantID: tx.tenantID, userID: principal.subjectID, platform: platform, tokenSealed: sealed, tokenIndex: index)
        try await tx.create(device)
        return (device, true, nil)
    }

    /// The caller's devices, newest first; dead ones included (with `dead_at`) so an app can
    /// tell it must register again.
    public func list(in context: RequestContext) async throws -> [Device] {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        try await guardian.authorize(principal, .deviceManage, on: .account(principal.subjectID), origin: origin, db: scope.db)
        return try await scope.query(Device.self).filter(\.$userID == principal.subjectID).sort(\.$id, .descending).all()
    }

    public func remove(deviceID: UUID, in context: RequestContext) async throws {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        try await guardian.authorize(principal, .deviceManage, on: .account(principal.subjectID), origin: origin, db: scope.db)
        guard let device = try await scope.find(Device.self, deviceID), device.userID == principal.subjectID else {
            throw AppError.notFound("Device not found")
        }
        let tenantID = scope.tenantID
        try await scope.auditedWrite(by: audit, origin: origin) { tx in
            try await device.delete(on: tx.db)
            return AuditRecord(tenantID: tenantID, actor: principal.auditActor, action: .deviceRemove, targetType: "device",
                               targetID: deviceID.lowercasedString)
        }
    }

    /// The last characters of the device's token, so an app can recognise its own registration.
    public func tokenSuffix(of device: Device, in scope: TenantScope) async throws -> String {
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        return String(try cipher.open(device.tokenSealed).suffix(6))
    }
}
