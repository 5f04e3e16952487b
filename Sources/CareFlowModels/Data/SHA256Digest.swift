import Crypto
import Foundation

/// Hex SHA-256, the form the dataset README and model files publish checksums in.
enum SHA256Hex {
    static func of(_ bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
