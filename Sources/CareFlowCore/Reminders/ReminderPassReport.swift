/// What one scheduler pass did, for the CLI and the tests.
public struct ReminderPassReport: Sendable, Equatable, CustomStringConvertible {
    /// Reminders written to the ledger (each with its outbox messages).
    public var sent = 0
    /// Outbox messages queued for them.
    public var messages = 0
    /// Due reminders another worker held or had already sent.
    public var skipped = 0
    /// Tenants passed over because it is quiet hours on their clock.
    public var quietTenants = 0

    public init() {}

    public var description: String {
        "\(sent) reminders sent (\(messages) messages), \(skipped) skipped, \(quietTenants) tenants in quiet hours"
    }
}
