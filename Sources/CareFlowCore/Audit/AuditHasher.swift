import Crypto
import Foundation

/// Computes an event's hash over its content and the previous event's hash. Any edit of a
/// stored row, or a deleted or reordered row, breaks the chain from that point on.
///
/// The input is the event's fields joined with U+001F, each U+001F inside a field written as
/// the six characters `\u001f`; the hash is SHA-256 of that text's UTF-8, in lower-case hex.
/// Every audited request computes one (and `audit verify` one per stored event), so the text is
/// assembled as bytes: Foundation's `replacingOccurrences` on every field and a `String(format:)`
/// per digest byte were the two costs of the earlier form, which wrote the same bytes
/// (`AuditHasherTests` keeps the two equal).
public enum AuditHasher {
    public static let genesis = String(repeating: "0", count: 64)

    private static let separator: UInt8 = 0x1F
    private static let hexDigits = Array("0123456789abcdef".utf8)

    public static func hash(of e: AuditEvent) -> String {
        var input: [UInt8] = []
        input.reserveCapacity(320 + e.details.utf8.count)
        func append(_ field: String, first: Bool = false) {
            if !first { input.append(separator) }
            if field.utf8.contains(separator) {
                // Rare (only hostile input holds U+001F): Foundation's replacement, exactly as
                // stored chains were hashed. It leaves a U+001F that a combining mark follows.
                input.append(contentsOf: field.replacingOccurrences(of: "\u{1F}", with: #"\u001f"#).utf8)
            } else {
                input.append(contentsOf: field.utf8)
            }
        }
        append(e.chain, first: true)
        append(String(e.seq))
        append(e.tenantID?.uppercasedString ?? "")
        append(e.facilityID?.uppercasedString ?? "")
        append(e.actorKind)
        append(e.actorID?.uppercasedString ?? "")
        append(e.action)
        append(e.outcome)
        append(e.targetType ?? "")
        append(e.targetID ?? "")
        append(e.requestID ?? "")
        append(e.ip ?? "")
        append(e.details)
        append(String(e.occurredAtMs))
        append(e.prevHash)
        return hex(SHA256.hash(data: input))
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        hexDigits.withUnsafeBufferPointer { digits in
            String(unsafeUninitializedCapacity: 2 * SHA256.byteCount) { out in
                var index = 0
                for byte in digest {
                    out[index] = digits[Int(byte >> 4)]
                    out[index + 1] = digits[Int(byte & 0x0F)]
                    index += 2
                }
                return index
            }
        }
    }

    /// One encoder for every event (its options are set once, before it is shared).
    private static let canonicalEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func canonicalJSON(_ details: [String: String]) -> String {
        (try? String(decoding: canonicalEncoder.encode(details), as: UTF8.self)) ?? "{}"
    }
}
