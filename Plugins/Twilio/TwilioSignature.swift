import Crypto
import CareFlowCore
import Foundation

/// `X-Twilio-Signature` verification (specs/twilio.md): base64 HMAC-SHA1 with the auth token over
/// the public URL Twilio called followed by every POST parameter as name + value, names in byte
/// order (repeated names keep their order). Like the official SDKs, the URL is also tried with and
/// without the scheme's default port.
public enum TwilioSignature {
    public static func verify(signature: String?, url: String, parameters: [(String, String)], authTokens: [String]) throws(WebhookVerificationError) {
        guard !authTokens.isEmpty else { throw .notConfigured }
        guard let signature, !signature.isEmpty else { throw .missingHeader("X-Twilio-Signature") }
        guard let expected = Data(base64Encoded: signature) else { throw .malformedHeader("X-Twilio-Signature") }
        for candidateURL in urlVariants(url) {
            let message = signedText(url: candidateURL, parameters: parameters)
            for token in authTokens {
                let key = SymmetricKey(data: Data(token.utf8))
                if HMAC<Insecure.SHA1>.isValidAuthenticationCode(expected, authenticating: Data(message.utf8), using: key) { return }
            }
        }
        throw .signatureMismatch
    }

    /// The signature Twilio would compute (tests and tools).
    public static func signature(url: String, parameters: [(String, String)], authToken: String) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(signedText(url: url, parameters: parameters).utf8),
                                                         using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }

    static func signedText(url: String, parameters: [(String, String)]) -> String {
        // A stable sort by name in byte order keeps repeated names in their original order.
        let sorted = parameters.enumerated().sorted { a, b in
            let x = Array(a.element.0.utf8), y = Array(b.element.0.utf8)
            return x == y ? a.offset < b.offset : x.lexicographicallyPrecedes(y)
        }
        return sorted.reduce(into: url) { text, pair in text += pair.element.0 + pair.element.1 }
    }

    /// The URL as given, plus the same URL with the default port added or removed.
    static func urlVariants(_ url: String) -> [String] {
        guard var components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else { return [url] }
        let defaultPort = scheme == "https" ? 443 : scheme == "http" ? 80 : nil
        guard let defaultPort else { return [url] }
        if components.port == defaultPort {
            components.port = nil
        } else if components.port == nil {
            components.port = defaultPort
        } else {
            return [url]
        }
        return [url, components.string].compactMap { $0 }
    }
}
