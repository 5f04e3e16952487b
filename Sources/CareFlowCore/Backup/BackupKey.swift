import Crypto
import Foundation

/// The operator's backup key (`CAREFLOW_BACKUP_KEY_FILE`): 32 random bytes, written as URL-safe
/// base64 (the Fernet key form, so `cryptography.fernet.Fernet.generate_key()` makes one too);
/// standard base64 is accepted as well. It encrypts whole archives and is deliberately not a
/// master key: an archive must stay useless to whoever holds only the archive and the master
/// key's store, and the other way round.
public struct BackupKey: Sendable {
    public static let byteCount = 32
    let material: SymmetricKey

    public init(bytes: some ContiguousBytes) throws(BackupError) {
        let key = SymmetricKey(data: bytes)
        guard key.bitCount == Self.byteCount * 8 else { throw .badKey("the key must be 32 bytes") }
        material = key
    }

    /// Parses the text of a key file (surrounding whitespace ignored).
    public static func parse(_ text: String) throws(BackupError) -> BackupKey {
        var base64 = text.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let bytes = Data(base64Encoded: base64) else {
            throw .badKey("the key file must hold 32 bytes in base64 (URL-safe or standard)")
        }
        return try BackupKey(bytes: bytes)
    }

    /// Reads `path`, a regular file nobody but its owner can write.
    public static func load(path: String) throws(BackupError) -> BackupKey {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw .badKey("cannot read the backup key file \(path)")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else { throw .badKey("\(path) is not a regular file") }
        // Readable by a group can be needed (container secrets are bind-mounted with the host's
        // mode); writable by others cannot: whoever can replace the key chooses the next archives'.
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o022 != 0 {
            throw .badKey("\(path) is writable by others (mode \(String(mode, radix: 8))): chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw .badKey("cannot read the backup key file \(path)") }
        return try parse(String(decoding: data, as: UTF8.self))
    }

    /// A fresh key in its file form (URL-safe base64 and a newline).
    public static func generateText() -> String {
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() }
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        return text + "\n"
    }

    /// Writes a new key to `path` (mode 0600); never overwrites an existing file.
    public static func generate(at path: String) throws(BackupError) {
        guard !FileManager.default.fileExists(atPath: path) else { throw .badKey("\(path) already exists; not overwritten") }
        let created = FileManager.default.createFile(atPath: path, contents: Data(generateText().utf8),
                                                     attributes: [.posixPermissions: 0o600])
        guard created else { throw .badKey("cannot write \(path)") }
    }

    /// True when this key is one of the master keys (an operator who pointed the backup key at
    /// the master key file would put both in one place).
    public func isAmong(_ master: MasterKeys) -> Bool {
        let mine = material.withUnsafeBytes { Data($0) }
        return master.keys.contains { Data($0.rawBytes) == mine }
    }
}
