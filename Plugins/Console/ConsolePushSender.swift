import CareFlowCore

/// The `console` adapter for push: one journal line per notification, the device token as `to`
/// and the title as `subject`.
public struct ConsolePushSender: PushSender {
    let journal: ConsoleJournal

    public init(journal: ConsoleJournal) {
        self.journal = journal
    }

    public func send(_ message: PushMessage, idempotencyKey: String) async throws -> DeliveryReceipt {
        let details: [String: JSONValue] = message.data.isEmpty ? [:] : ["data": .object(message.data.mapValues(JSONValue.string))]
        try await journal.append(capability: "push", to: message.deviceToken, subject: message.title, body: message.body,
                                 idempotencyKey: idempotencyKey, details: details)
        return .console(idempotencyKey)
    }
}
