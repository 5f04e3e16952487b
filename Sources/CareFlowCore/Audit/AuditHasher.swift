import Crypto
import Foundation

/// Computes an event's hash over its content and the previous event's hash. Any edit of a
/// stored row, or a deleted or reordered row, breaks the chain from that point on.
public enum AuditHasher {
    public static let genesis = String(repeating: "0", count: 64)

    public static func hash(of e: AuditEvent) -> String {
        // Fields joined with a unit separator that cannot appear in any of them unescaped.
        let fields: [String] = [
            e.chain, String(e.seq), e.tenantID?.uuidString ?? "", e.facilityID?.uuidString ?? "",
            e.actorKind, e.actorID?.uuidString ?? "", e.action, e.outcome,
            e.targetType ?? "", e.targetID ?? "", e.requestID ?? "", e.ip ?? "",
            e.details, String(e.occurredAtMs), e.prevHash,
        ]
        let input = fields.map { $0.replacingOccurrences(of: "\u{1F}", with: "\\u001f") }.joined(separator: "\u{1F}")
        return SHA256.hash(data: Data(input.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func canonicalJSON(_ details: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(details), as: UTF8.self)) ?? "{}"
    }
}
