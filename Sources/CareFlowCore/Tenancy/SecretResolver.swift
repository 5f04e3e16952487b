import Foundation

/// Reads the value behind an `env:` / `file:` reference of a tenant file. Values never leave
/// the process: they are handed to the adapter or verifier that needs them and never logged.
public struct SecretResolver: Sendable {
    let environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let reference: SecretReference
        public let reason: String
        public var description: String { "\(reference): \(reason)" }
    }

    public func resolve(_ reference: SecretReference) throws(Failure) -> String {
        switch reference {
        case .env(let name):
            guard let value = environment[name], !value.isEmpty else { throw Failure(reference: reference, reason: "is not set") }
            return value
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Failure(reference: reference, reason: "cannot be read")
            }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw Failure(reference: reference, reason: "is empty") }
            return value
        }
    }
}
