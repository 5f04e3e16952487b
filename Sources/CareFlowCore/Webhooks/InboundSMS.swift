import Foundation

/// What an inbound SMS asks for, from its first word (PRODUCT §5).
public enum InboundKeyword: Sendable, Equatable {
    /// STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT: no more texts to this number.
    case stop
    /// START, UNSTOP: texts again.
    case start
    /// DONE: checks in the patient's open reminder (`SMSReply` reads `DONE 2`).
    case done
    /// YES or C: confirms the next appointment.
    case confirm
    case other

    public init(body: String) {
        let word = body.trimmingCharacters(in: .whitespacesAndNewlines).split(whereSeparator: \.isWhitespace).first.map { $0.uppercased() } ?? ""
        switch word {
        case "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT": self = .stop
        case "START", "UNSTOP": self = .start
        case "DONE": self = .done
        case "YES", "C": self = .confirm
        default: self = .other
        }
    }
}

/// One inbound SMS as handlers see it: its first-word keyword, the parsed reply (`DONE 2`,
/// `YES`, …) and who sent it. The phone number arrives as its blind index only, the text only
/// parsed: neither is ever logged.
public struct InboundSMS: Sendable {
    public let keyword: InboundKeyword
    public let reply: SMSReply
    public let fromPhoneIndex: String
    public let origin: RequestOrigin
    public let receivedAt: Date

    public init(text: String, fromPhoneIndex: String, origin: RequestOrigin, receivedAt: Date) {
        self.keyword = InboundKeyword(body: text)
        self.reply = SMSReply(text)
        self.fromPhoneIndex = fromPhoneIndex
        self.origin = origin
        self.receivedAt = receivedAt
    }
}

/// Handles the inbound messages features register (DONE check-ins, YES / NO to appointments);
/// returns the reply text, or nil when the message is not theirs. Runs inside the transaction
/// that records the webhook event, so its effect and its audit events commit with it.
public protocol InboundSMSHandler: Sendable {
    func handle(_ sms: InboundSMS, in scope: TenantScope) async throws -> String?
}

/// The registered handlers, asked in order until one replies.
public struct InboundSMSRouter: Sendable {
    let handlers: [any InboundSMSHandler]

    public init(handlers: [any InboundSMSHandler] = []) {
        self.handlers = handlers
    }

    func handle(_ sms: InboundSMS, in scope: TenantScope) async throws -> String? {
        for handler in handlers {
            if let reply = try await handler.handle(sms, in: scope) { return reply }
        }
        return nil
    }
}
