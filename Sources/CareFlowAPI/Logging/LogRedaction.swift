import Logging
import Synchronization

/// The metadata of one log line as both line formats (JSON and text) write it: the handler's
/// metadata overridden by the event's, values under names that mean a secret or PHI replaced by
/// `<redacted>`, sorted by name.
///
/// Callers attach identifiers, never secrets or PHI; this is the net under that rule, in one
/// place so the two formats cannot disagree about what they hide. It goes by the metadata name,
/// as a value cannot be recognised as a password; messages are constant text by convention.
enum LogRedaction {
    static let placeholder = "<redacted>"

    /// Name parts (split at `_`, `-`, `.` and case changes) that mark a value as a secret or PHI.
    static let sensitiveParts: Set<String> = [
        // Secrets
        "password", "passwd", "passphrase", "secret", "token", "authorization", "cookie", "otp",
        "totp", "apikey", "credential", "credentials", "signature", "key",
        // Identifying patient data (PRODUCT: PHI never in logs)
        "email", "phone", "dob", "birthdate", "ssn", "mrn", "address", "diagnosis", "note", "notes",
    ]

    /// Metadata names come from the code, so there are few of them: each is split once and the
    /// answer remembered (bounded all the same), as the writer thread asks for every field.
    private static let verdicts = Mutex<[String: Bool]>([:])

    static func isSensitive(_ name: String) -> Bool {
        if let known = verdicts.withLock({ $0[name] }) { return known }
        let verdict = classify(name)
        verdicts.withLock { if $0.count < 4096 { $0[name] = verdict } }
        return verdict
    }

    static func classify(_ name: String) -> Bool {
        var parts: [String] = []
        var current = ""
        var previousWasLower = false
        for character in name {
            if !character.isLetter && !character.isNumber {
                if !current.isEmpty { parts.append(current) }
                current = ""
            } else {
                // camelCase: `apiKey` → `api`, `key`.
                if character.isUppercase && previousWasLower && !current.isEmpty {
                    parts.append(current)
                    current = ""
                }
                current.append(contentsOf: character.lowercased())
            }
            previousWasLower = character.isLowercase
        }
        if !current.isEmpty { parts.append(current) }
        return parts.contains(where: sensitiveParts.contains) || parts.joined().contains("password")
    }

    /// The fields of a line, without the names the format writes itself (`reserved`).
    static func fields(handler: Logger.Metadata, event: Logger.Metadata?, reserved: Set<String> = []) -> [(String, String)] {
        let merged = event.map { handler.merging($0, uniquingKeysWith: { $1 }) } ?? handler
        var fields: [(String, String)] = []
        fields.reserveCapacity(merged.count)
        for (key, value) in merged where !reserved.contains(key) {
            fields.append((key, isSensitive(key) ? placeholder : "\(value)"))
        }
        fields.sort { $0.0 < $1.0 }
        return fields
    }
}
