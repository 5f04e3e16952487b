import FluentKit
import Foundation

/// Push notifications to a user: one outbox message per live device, written in the caller's
/// transaction (PRODUCT §6), so the notification exists if and only if its cause committed.
public struct PushService: Sendable {
    let outbox: Outbox
    let keyring: Keyring

    public init(outbox: Outbox, keyring: Keyring) {
        self.outbox = outbox
        self.keyring = keyring
    }

    /// Queues the notification for each of the user's live devices; none when they have none.
    @discardableResult
    public func notify(userID: UUID, title: String, body: String, data: [String: String] = [:],
                       in scope: TenantScope) async throws -> [OutboxMessage] {
        let devices = try await scope.query(Device.self).filter(\.$userID == userID).filter(\.$deadAt == nil).all()
        guard !devices.isEmpty else { return [] }
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        var messages: [OutboxMessage] = []
        for device in devices {
            let token = try cipher.open(device.tokenSealed)
            messages.append(try await outbox.enqueue(.push(PushMessage(deviceToken: token, title: title, body: body, data: data)), in: scope))
        }
        return messages
    }
}
