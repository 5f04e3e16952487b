import Foundation

/// What a tenant file may point at. A tenant file names where its secrets are and where its
/// adapters send them, so without limits it can send any file or variable the process can read
/// (the master key, `DATABASE_URL`) to any listener. Checked when the files are loaded (an
/// offending file is refused with file, field and reason) and again when a secret is read.
public struct TenantSecretPolicy: Sendable, Equatable {
    /// `file:` secrets must resolve (symlinks and `..` followed) inside this directory.
    public var secretsDirectory: String
    /// Never read from, even inside `secretsDirectory` (the data folder: keys, database).
    public var forbiddenDirectories: [String]
    /// When not empty, an `env:` name must start with one of these.
    public var allowedEnvironmentPrefixes: [String]
    /// Adapters may call loopback addresses (`127.0.0.0/8`, `::1`, `localhost`): local fakes and
    /// sidecars only, never by default.
    public var allowLoopbackAdapters: Bool

    /// CareFlow's own configuration: never a tenant's secret, whatever the allow-list says.
    public static let reservedEnvironmentPrefixes = ["CAREFLOW_"]
    public static let reservedEnvironmentNames: Set<String> = ["DATABASE_URL", "DATABASE_MIGRATION_URL", "POSTGRES_PASSWORD", "PGPASSWORD"]
    /// Never secrets, whatever `secretsDirectory` says: `/proc/self/environ` is the whole
    /// environment, platform keys included.
    static let systemDirectories = ["/proc", "/sys", "/dev"]

    public init(secretsDirectory: String = "/run/secrets", forbiddenDirectories: [String] = [],
                allowedEnvironmentPrefixes: [String] = [], allowLoopbackAdapters: Bool = false) {
        self.secretsDirectory = secretsDirectory
        self.forbiddenDirectories = forbiddenDirectories
        self.allowedEnvironmentPrefixes = allowedEnvironmentPrefixes
        self.allowLoopbackAdapters = allowLoopbackAdapters
    }

    /// Why a reference may not be used, nil when it may.
    public func problem(with reference: SecretReference) -> String? {
        switch reference {
        case .env(let name): environmentProblem(name)
        case .file(let path): fileProblem(path, mustExist: false).problem
        }
    }

    public func environmentProblem(_ name: String) -> String? {
        if Self.reservedEnvironmentNames.contains(name) || Self.reservedEnvironmentPrefixes.contains(where: name.hasPrefix) {
            return "env:\(name) is CareFlow's own configuration, not a tenant secret"
        }
        if !allowedEnvironmentPrefixes.isEmpty, !allowedEnvironmentPrefixes.contains(where: name.hasPrefix) {
            return "env:\(name) does not start with an allowed prefix (CAREFLOW_SECRET_ENV_PREFIXES: \(allowedEnvironmentPrefixes.joined(separator: ", ")))"
        }
        return nil
    }

    /// The path to read, symlinks resolved, or why it may not be read. A file that does not
    /// exist yet is judged by its path (it cannot be read either way); `mustExist` when reading.
    public func fileProblem(_ path: String, mustExist: Bool) -> (path: String?, problem: String?) {
        let resolved: String
        if let real = Self.realPath(path) {
            resolved = real
        } else if mustExist {
            return (nil, "file:\(path) cannot be read")
        } else {
            resolved = Self.lexical(path)
        }
        let secrets = Self.realPath(secretsDirectory) ?? Self.lexical(secretsDirectory)
        guard Self.isInside(resolved, secrets) else {
            return (nil, "file:\(path) is outside the secrets directory \(secretsDirectory) (CAREFLOW_SECRETS_DIR)")
        }
        for forbidden in forbiddenDirectories + Self.systemDirectories {
            let directory = Self.realPath(forbidden) ?? Self.lexical(forbidden)
            if Self.isInside(resolved, directory) {
                return (nil, "file:\(path) is inside \(forbiddenDirectories.contains(forbidden) ? "CareFlow's data folder, which holds platform keys" : forbidden), never a tenant secret")
            }
        }
        return (resolved, nil)
    }

    /// Why an adapter's `base_url` may not be called, nil when it may: https only, and loopback
    /// only with `allowLoopbackAdapters` (then plain http too, for local fakes).
    public func adapterURLProblem(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return "invalid URL '\(text)' (expected https://)"
        }
        if Self.isLoopback(host) {
            guard allowLoopbackAdapters else {
                return "'\(text)' is a loopback address; adapters may call one only when the operator sets CAREFLOW_ALLOW_LOOPBACK_ADAPTERS=1"
            }
            return scheme == "https" || scheme == "http" ? nil : "invalid URL '\(text)' (expected https://)"
        }
        return scheme == "https" ? nil : "'\(text)' must use https (secrets travel to it)"
    }

    /// `localhost` (and names under it), `127.0.0.0/8`, `::1`, and their mapped IPv6 forms.
    static func isLoopback(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        while name.hasSuffix(".") { name.removeLast() }
        if name == "localhost" || name.hasSuffix(".localhost") { return true }
        if name.split(separator: ".").count == 4, name.hasPrefix("127.") { return true }
        if name.hasPrefix("::ffff:127.") { return true }
        let groups = name.split(separator: ":", omittingEmptySubsequences: false)
        if name.contains(":"), groups.last.map({ Int($0, radix: 16) == 1 }) == true,
           groups.dropLast().allSatisfy({ $0.isEmpty || Int($0, radix: 16) == 0 }) {
            return true  // ::1, 0:0:0:0:0:0:0:1
        }
        // Decimal or hex forms of 127.x (`2130706433`, `0x7f000001`) that URL hosts accept.
        if let number = name.hasPrefix("0x") ? UInt32(name.dropFirst(2), radix: 16) : UInt32(name), number >> 24 == 127 { return true }
        return false
    }

    static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// `..` and `.` removed without touching the file system.
    static func lexical(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    static func isInside(_ path: String, _ directory: String) -> Bool {
        let directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        return directory == "/" || path == directory || path.hasPrefix(directory + "/")
    }
}
