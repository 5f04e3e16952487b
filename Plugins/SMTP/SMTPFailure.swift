import CCurl
import CareFlowCore

/// How a failed transfer is classified for the outbox (PRODUCT §6), from libcurl's result
/// code and the server's last reply code:
/// - STARTTLS refused while `starttls: true`, credentials refused, an unverifiable TLS
///   certificate: `misconfigured` (an admin must fix the server or the tenant file; retrying
///   would only fail again);
/// - a 4xx reply (421 closing, 450/451 greylisting or local error, 452 storage): `retryable`;
/// - a 5xx reply (550 no such mailbox, 554 rejected): `permanent`; but 530 (authentication or
///   STARTTLS required) and 534/535/538 (credentials refused): `misconfigured`;
/// - no connection, no answer in time, a dropped connection: `retryable`.
enum SMTPFailure {
    static let provider = "smtp"

    static func error(_ result: SMTPTransferResult, server: String) -> IntegrationError {
        // QUIT's 221 may follow the reply that failed the transfer; it says nothing about it.
        let reply = result.replies.last { $0 != 221 }
        let code = CURLcode(rawValue: result.curlCode)
        func make(_ kind: IntegrationError.Kind, _ message: String) -> IntegrationError {
            IntegrationError(kind, provider: provider, providerCode: reply.map(String.init), message: message)
        }

        switch code {
        case CURLE_USE_SSL_FAILED:
            return make(.misconfigured, "\(server) did not accept STARTTLS; with starttls: true the message is not sent in clear text "
                        + "(enable STARTTLS on the server, or set starttls: false only for a trusted local relay)")
        case CURLE_LOGIN_DENIED:
            return make(.misconfigured, "\(server) refused the username and password (\(result.detail))")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return make(.misconfigured, "the TLS certificate of \(server) could not be verified (\(result.detail)); "
                        + "for a private CA set ca_file")
        case CURLE_ABORTED_BY_CALLBACK:
            return make(.retryable, "the send was cancelled before \(server) answered")
        default:
            break
        }
        switch reply {
        case 530:
            return make(.misconfigured, "\(server) requires authentication or STARTTLS before accepting mail (\(result.detail))")
        case 534, 535, 538:
            return make(.misconfigured, "\(server) refused the credentials (\(result.detail))")
        case .some(400...499):
            return make(.retryable, "\(server) deferred the message (\(result.detail))")
        case .some(500...599):
            return make(.permanent, "\(server) rejected the message (\(result.detail))")
        default:
            // No reply that explains it: the connection failed, timed out or dropped. The outbox
            // tries again, up to its attempt limit.
            return make(.retryable, "\(server): \(result.detail)")
        }
    }
}
