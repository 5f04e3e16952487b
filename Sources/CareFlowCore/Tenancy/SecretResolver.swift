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

    /// A setting holding one or several secrets (several while a provider rotates them),
    /// separated by commas or new lines; empty when the setting is absent or plain.
    public func resolveList(_ setting: SettingValue?) throws(Failure) -> [String] {
        guard let reference = setting?.secretReference else { return [] }
        return try resolve(reference).split(whereSeparator: { $0 == "," || $0.isNewline })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
