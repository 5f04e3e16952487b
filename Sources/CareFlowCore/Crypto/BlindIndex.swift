import Crypto
import Foundation

/// What kind of value a blind index is computed over. Each kind has its own normalisation
/// and its own domain separator, so equal strings of different kinds never collide.
public enum BlindIndexKind: String, Sendable, CaseIterable {
    case email, phone, nationalID = "national_id", mrn, nameToken = "name_token"
    /// A push device token (FCM registration token, APNs token): opaque, matched exactly.
    case deviceToken = "device_token"
    /// An ICD-10 diagnosis code (PHI, PRODUCT §3): matched exactly, case-insensitively.
    case conditionCode = "condition_code"

    /// The canonical form searched on: what a clerk types and what was stored must meet.
    public func normalise(_ value: String) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        switch self {
        case .email:
            return trimmed.lowercased()
        case .phone:
            // E.164: keep the leading + and the digits.
            let digits = trimmed.filter(\.isASCII).filter(\.isNumber)
            return (trimmed.hasPrefix("+") || trimmed.hasPrefix("00") ? "+" : "") + (trimmed.hasPrefix("00") ? String(digits.dropFirst(2)) : digits)
        case .nationalID, .mrn:
            return trimmed.uppercased().filter { $0.isLetter || $0.isNumber }
        case .deviceToken:
            return trimmed
        case .conditionCode:
            return trimmed.uppercased()
        case .nameToken:
            return trimmed.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
                .lowercased().filter { $0.isLetter || $0.isNumber }
        }
    }

    /// Lower-cased, diacritic-free words of a name, for token search ("María José" → maria, jose).
    public static func nameTokens(_ name: String) -> [String] {
        name.split(whereSeparator: { $0.isWhitespace || $0 == "-" || $0 == "'" })
            .map { BlindIndexKind.nameToken.normalise(String($0)) }
            .filter { !$0.isEmpty }
    }
}

/// HMAC-SHA256 of a normalised value under a tenant's index key: equality search on encrypted
/// columns without the plaintext, and without letting one tenant's index match another's.
public struct BlindIndexer: Sendable {
    private let key: SymmetricKey

    public init(key: SymmetricKey) {
        self.key = key
    }

    public func index(_ value: String, as kind: BlindIndexKind) -> String {
        var mac = HMAC<SHA256>(key: key)
        mac.update(data: Data(kind.rawValue.utf8))
        mac.update(data: [0])
        mac.update(data: Data(kind.normalise(value).utf8))
        return Self.lowercaseHex(mac.finalize())
    }

    /// `String(format: "%02x")` per byte was a third of the CPU of a bulk load (six indexes a
    /// patient) and runs on every search; a table lookup gives the same text.
    private static func lowercaseHex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
