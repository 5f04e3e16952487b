import CareFlowCore

/// The `console` adapter for SMS: one journal line per message.
public struct ConsoleSMSSender: SMSSender {
    let journal: ConsoleJournal

    public init(journal: ConsoleJournal) {
        self.journal = journal
    }

    public func send(_ sms: OutgoingSMS, idempotencyKey: String) async throws -> DeliveryReceipt {
        let details: [String: JSONValue] = sms.statusCallbackURL.map { ["status_callback": .string($0)] } ?? [:]
        try await journal.append(capability: "sms", to: sms.to, subject: nil, body: sms.body,
                                 idempotencyKey: idempotencyKey, details: details)
        return .console(idempotencyKey)
    }
}
