/// What an inbound SMS asks for, from its first word (PRODUCT §5).
public enum InboundKeyword: Sendable, Equatable {
    /// STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT: no more texts to this number.
    case stop
    /// START, UNSTOP: texts again.
    case start
    /// DONE: checks in the patient's open reminder (handled by a later feature).
    case done
    /// YES or C: confirms the next appointment (handled by a later feature).
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

/// Handles the inbound keywords features register (DONE check-ins, YES confirmations); returns
/// the reply text, or nil for no reply. The phone number arrives as its blind index only.
public protocol InboundSMSHandler: Sendable {
    func handle(_ keyword: InboundKeyword, fromPhoneIndex: String, in scope: TenantScope) async throws -> String?
}

/// The registered handlers, asked in order until one replies.
public struct InboundSMSRouter: Sendable {
    let handlers: [any InboundSMSHandler]

    public init(handlers: [any InboundSMSHandler] = []) {
        self.handlers = handlers
    }

    func handle(_ keyword: InboundKeyword, fromPhoneIndex: String, in scope: TenantScope) async throws -> String? {
        for handler in handlers {
            if let reply = try await handler.handle(keyword, fromPhoneIndex: fromPhoneIndex, in: scope) { return reply }
        }
        return nil
    }
}
