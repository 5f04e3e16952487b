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
        let (device, created, previousOwner) = try await upsert(index: index, sealed: sealed, platform: platform, for: principal, in: scope)
        if created {
            var details = ["platform": platform.rawValue]
            if let previousOwner { details["moved_from_user"] = previousOwner.lowercasedString }
            try await audit.appendRetrying(
                AuditRecord(tenantID: scope.tenantID, actor: principal.auditActor, action: .deviceRegister, targetType: "device",
                            targetID: device.id!.lowercasedString, details: details),
                origin: origin, on: scope.db)
        }
        return (device, created)
    }

    /// Two first registrations of one token at once: the loser of the unique index tries again
    /// and finds the winner's row. The transaction reads, then writes: a `WriteTransaction`.
    private func upsert(index: String, sealed: Sealed<String>, platform: Device.Platform, for principal: Principal,
                        in scope: TenantScope) async throws -> (Device, Bool, UUID?) {
        do {
            return try await upsertOnce(index: index, sealed: sealed, platform: platform, for: principal, in: scope)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return try await upsertOnce(index: index, sealed: sealed, platform: platform, for: principal, in: scope)
        }
    }

    private func upsertOnce(index: String, sealed: Sealed<String>, platform: Device.Platform, for principal: Principal,
                            in scope: TenantScope) async throws -> (Device, Bool, UUID?) {
        try await scope.writeTransaction { tx -> (Device, Bool, UUID?) in
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
        try await device.delete(on: scope.db)
        try await audit.append(
            AuditRecord(tenantID: scope.tenantID, actor: principal.auditActor, action: .deviceRemove, targetType: "device",
                        targetID: deviceID.lowercasedString),
            origin: origin, on: scope.db)
    }

    /// The last characters of the device's token, so an app can recognise its own registration.
    public func tokenSuffix(of device: Device, in scope: TenantScope) async throws -> String {
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        return String(try cipher.open(device.tokenSealed).suffix(6))
    }
}
