import CareFlowCore
import Foundation

/// One email as the RFC 5322 text sent after SMTP `DATA`: headers, then a MIME body in
/// quoted-printable UTF-8 (`text/plain`, or `multipart/alternative` with the HTML part after
/// it). Values from outside never reach a header unchecked: a line break in any of them would
/// let a subject or a name add headers (or recipients) of its own, so it is refused.
///
/// SMTP has no provider-side templates: `templateID` and `templateData` are not sent; the
/// plain-text `body` (every caller fills it) is the message.
struct SMTPMessage: Equatable {
    /// The envelope sender (`MAIL FROM`) and `From:`.
    let from: String
    /// The envelope recipient (`RCPT TO`) and `To:`.
    let to: String
    /// `<idempotency-key@from-domain>`: a resend of the same outbox row carries the same id,
    /// so receiving systems can recognise a duplicate.
    let messageID: String
    /// The whole message, CRLF line breaks, ending with CRLF.
    let text: String

    init(_ email: OutgoingEmail, from: String, idempotencyKey: String, date: Date) throws(SMTPMessageError) {
        guard SMTPAddress.isValid(from) else { throw .invalid("the sender address") }
        guard SMTPAddress.isValid(email.to) else { throw .invalid("the recipient address") }
        guard idempotencyKey.wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9._-]{0,127}/) != nil else { throw .invalid("the idempotency key") }
        guard MessageHeader.isSafe(email.subject) else { throw .headerInjection("the subject") }
        if let name = email.toName, !MessageHeader.isSafe(name) { throw .headerInjection("the recipient's name") }

        self.from = from
        self.to = email.to
        let domain = from[from.index(after: from.lastIndex(of: "@")!)...]
        messageID = "<\(idempotencyKey)@\(domain)>"

        var lines = [
            "Date: " + MessageHeader.date(date),
            "From: " + from,
            "To: " + (email.toName.map { MessageHeader.displayName($0) + " <\(email.to)>" } ?? email.to),
            MessageHeader.unstructured("Subject", email.subject),
            "Message-ID: " + messageID,
            "MIME-Version: 1.0",
        ]
        let plain = ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
                     QuotedPrintable.encode(email.body)]
        if let html = email.html {
            // QP output never contains "=_" (every "=" it writes is followed by a hex digit or a
            // line break), so this boundary cannot occur inside a part.
            let boundary = "=_careflow_\(idempotencyKey)"
            lines += ["Content-Type: multipart/alternative; boundary=\"\(boundary)\"", "",
                      "--\(boundary)"] + plain + ["--\(boundary)",
                      "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
                      QuotedPrintable.encode(html),
                      "--\(boundary)--"]
        } else {
            lines += plain
        }
        text = lines.joined(separator: "\r\n") + "\r\n"
    }
}

/// Why an email cannot be written as a message. Permanent: sending it again changes nothing.
/// Names the part at fault, never its content (it may be PHI).
enum SMTPMessageError: Error, Equatable {
    case invalid(String)
    case headerInjection(String)

    var reason: String {
        switch self {
        case .invalid(let what): "\(what) cannot be used in an SMTP message"
        case .headerInjection(let what): "\(what) contains a line break or control character (refused: header injection)"
        }
    }
}
