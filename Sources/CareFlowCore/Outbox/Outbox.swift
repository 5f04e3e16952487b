import FluentKit
import Foundation

/// Writes outgoing messages into the outbox, inside the caller's transaction (PRODUCT §6): the
/// message exists if and only if the change that caused it committed.
public struct Outbox: Sendable {
    let keyring: Keyring

    public init(keyring: Keyring) {
        self.keyring = keyring
    }

    /// Queues a message; pass the transaction's scope. The row id is the idempotency key.
    @discardableResult
    public func enqueue(_ payload: OutboxPayload, in scope: TenantScope, notBefore: Date = Date()) async throws -> OutboxMessage {
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let message = OutboxMessage()
        message.id = TimeOrderedID.make()
        message.tenantID = scope.tenantID
        message.capability = payload.capability.rawValue
        message.payloadSealed = try cipher.seal(payload)
        message.status = .pending
        message.attempts = 0
        message.nextAttemptAt = notBefore
        try await scope.create(message)
        return message
    }

    /// The message a row carries (the worker, and admins looking at dead letters).
    public func open(_ message: OutboxMessage, on db: any Database) async throws -> OutboxPayload {
        let cipher = try await keyring.cipher(forTenant: message.tenantID, on: db)
        return try cipher.open(message.payloadSealed)
    }
}
