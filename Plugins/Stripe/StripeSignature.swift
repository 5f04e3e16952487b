import Crypto
import CareFlowCore
import Foundation

/// `Stripe-Signature` verification (specs/stripe-webhooks.md): HMAC-SHA256 over
/// `t + "." + raw body` with the endpoint secret, any of several `v1` values, 300 s tolerance in
/// both directions (the SDKs only check the past; a far-future timestamp is refused too).
public enum StripeSignature {
    public static let tolerance: TimeInterval = 300

    /// Throws unless one `v1` signature matches one of `secrets` (several during rotation).
    public static func verify(header: String?, payload: some DataProtocol, secrets: [String], now: Date = Date(),
                              tolerance: TimeInterval = tolerance) throws(WebhookVerificationError) {
        guard !secrets.isEmpty else { throw .notConfigured }
        guard let header, !header.isEmpty else { throw .missingHeader("Stripe-Signature") }
        var timestamp: Int?
        var candidates: [[UInt8]] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let key = trimmed(pair[0]), value = String(trimmed(pair[1]))
            switch key {
            case "t": timestamp = Int(value)
            case "v1": if let bytes = hexBytes(value) { candidates.append(bytes) }
            default: continue  // v0 and unknown schemes are ignored
            }
        }
        guard let timestamp else { throw .malformedHeader("Stripe-Signature") }
        guard !candidates.isEmpty else { throw .signatureMismatch }
        guard abs(now.timeIntervalSince1970 - TimeInterval(timestamp)) <= tolerance else { throw .timestampOutsideTolerance }
        var signed = Data("\(timestamp).".utf8)
        signed.append(contentsOf: payload)
        for secret in secrets {
            let key = SymmetricKey(data: Data(secret.utf8))
            for candidate in candidates where HMAC<SHA256>.isValidAuthenticationCode(candidate, authenticating: signed, using: key) {
                return
            }
        }
        throw .signatureMismatch
    }

    /// The header Stripe would send for `payload` at `timestamp` (tests and the benchmark).
    public static func header(payload: some DataProtocol, secret: String, timestamp: Int) -> String {
        var signed = Data("\(timestamp).".utf8)
        signed.append(contentsOf: payload)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=\(mac.map { String(format: "%02x", $0) }.joined())"
    }

    /// Spaces and tabs (not newlines) off both ends, as `trimmingCharacters(in: .whitespaces)`
    /// did, without the trip through NSString (it showed in the webhook profile).
    static func trimmed(_ text: Substring) -> Substring {
        let blank = { (c: Character) in c.isWhitespace && !c.isNewline }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return text[first...last]
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        guard text.count % 2 == 0, text.count <= 256 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
