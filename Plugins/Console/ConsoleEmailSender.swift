import CareFlowCore
import Foundation

/// The `console` adapter for email: appends each message as one JSON line to
/// `$CAREFLOW_DATA_DIR/console/<tenant-slug>.jsonl` instead of sending it. The default for
/// development and demos (PRODUCT §2).
public struct ConsoleEmailSender: EmailSender {
    let journal: ConsoleJournal

    public init(journal: ConsoleJournal) {
        self.journal = journal
    }

    public func send(_ email: OutgoingEmail) async throws {
        try await journal.append(capability: "email", to: email.to, subject: email.subject, body: email.body)
    }
}
