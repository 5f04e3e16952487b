import Crypto
import Foundation

/// Field-encryption throughput, for `careflow bench crypto` and `benchmarks/crypto.sh` (which
/// compares it with Python `cryptography.fernet` on the same 1 KiB field).
public enum CryptoBenchmark {
    /// The benchmarked field size: 1 KiB (a long note or record body).
    public static let fieldSize = 1024

    /// Fernet encrypt and decrypt (TTL unchecked, like Python's default) of a 1 KiB plaintext.
    /// Each phase runs `iterations` operations or stops after `timeLimit`, whichever comes first,
    /// and reports operations per second.
    public static func fernet(iterations: Int, timeLimit: Duration = .seconds(2)) -> (encryptPerSecond: Double, decryptPerSecond: Double) {
        let iterations = max(1, iterations)
        let fernet = Fernet(key: FernetKey.generate())
        var generator = SystemRandomNumberGenerator()
        let plaintext = (0..<fieldSize).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let clock = ContinuousClock()

        var sink = 0
        var token = ""
        var start = clock.now
        var done = 0
        while done < iterations {
            token = fernet.encrypt(plaintext)
            sink &+= token.utf8.count
            done += 1
            if done & 255 == 0, clock.now - start > timeLimit { break }
        }
        let encryptPerSecond = Double(done) / seconds(clock.now - start)

        let now = Date()
        start = clock.now
        done = 0
        while done < iterations {
            do {
                sink &+= try fernet.decrypt(token, now: now).count
            } catch {
                preconditionFailure("Fernet benchmark: decryption failed")
            }
            done += 1
            if done & 255 == 0, clock.now - start > timeLimit { break }
        }
        let decryptPerSecond = Double(done) / seconds(clock.now - start)
        precondition(sink > 0)
        return (encryptPerSecond, decryptPerSecond)
    }

    /// One line in the format of `careflow bench crypto`, which `benchmarks/crypto.sh` parses
    /// (`encrypt_per_s=` / `decrypt_per_s=`).
    public static func fernetReport(iterations: Int) -> String {
        let result = fernet(iterations: iterations)
        return "swift fernet encrypt_per_s=\(Int(result.encryptPerSecond.rounded())) decrypt_per_s=\(Int(result.decryptPerSecond.rounded()))"
    }

    private static func seconds(_ duration: Duration) -> Double {
        let components = duration.components
        return max(Double(components.seconds) + Double(components.attoseconds) / 1e18, 1e-9)
    }
}
