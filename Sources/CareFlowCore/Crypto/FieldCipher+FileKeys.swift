import Crypto
import Foundation

/// Envelope encryption for files: each file is encrypted (CFE1) under a random key of its own,
/// and that key is stored sealed under the tenant's data key. Rotating the tenant key then
/// re-seals a 44-character column instead of rewriting every blob, and a blob moved to another
/// document's path fails authentication instead of being served as that document.
extension FieldCipher {
    /// A fresh 256-bit file key and the same key sealed for storage.
    public func makeFileKey() throws -> (key: SymmetricKey, sealed: Sealed<String>) {
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() }
        return (key, try seal(encoded))
    }

    /// Opens a file key sealed by `makeFileKey` (under any live data key of the tenant).
    public func openFileKey(_ sealed: Sealed<String>) throws -> SymmetricKey {
        guard let bytes = Data(base64Encoded: try open(sealed)), bytes.count == 32 else { throw FieldCipherError.cannotOpen }
        return SymmetricKey(data: bytes)
    }
}
