import Foundation

/// Reads the value behind an `env:` / `file:` reference of a tenant file. Values never leave
/// the process: they are handed to the adapter or verifier that needs them and never logged.
public struct SecretResolver: Sendable {
    let environment: [String: String]
    /// Checked again at every read: the file a path names can change after the files loaded.
    public let policy: TenantSecretPolicy

    public init(environment: [String: String], policy: TenantSecretPolicy = TenantSecretPolicy()) {
        self.environment = environment
        self.policy = policy
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let reference: SecretReference
        public let reason: String
        public var description: String { "\(reference): \(reason)" }
    }

    public func resolve(_ reference: SecretReference) throws(Failure) -> String {
        switch reference {
        case .env(let name):
            if let problem = policy.environmentProblem(name) { throw Failure(reference: reference, reason: problem) }
            guard let value = environment[name], !value.isEmpty else { throw Failure(reference: reference, reason: "is not set") }
            return value
        case .file(let path):
            let checked = policy.fileProblem(path, mustExist: true)
            if let problem = checked.problem { throw Failure(reference: reference, reason: problem) }
            // The checked, fully resolved path is what is opened, not the link the file named.
            guard let resolved = checked.path, let data = FileManager.default.contents(atPath: resolved) else {
                throw Failure(reference: reference, reason: "cannot be read")
            }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw Failure(reference: reference, reason: "is empty") }
            return value
        }
    }
}
