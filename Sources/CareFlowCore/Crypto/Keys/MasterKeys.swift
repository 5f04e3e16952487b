import Foundation

/// The master keys (`CAREFLOW_MASTER_KEYS`, first = current): they only wrap tenant keys.
public struct MasterKeys: Sendable {
    public let keys: [FernetKey]
    public let wrapper: MultiFernet

    public init(keys: [FernetKey]) throws {
        guard !keys.isEmpty else { throw KeyHierarchyError.noMasterKey }
        self.keys = keys
        self.wrapper = MultiFernet(keys: keys)
    }

    /// Parses the comma-separated environment value.
    public static func parse(_ value: String) throws -> MasterKeys {
        let parts = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        var keys: [FernetKey] = []
        for (i, part) in parts.enumerated() {
            guard let key = try? FernetKey(base64URL: part) else { throw KeyHierarchyError.badMasterKey(position: i + 1) }
            keys.append(key)
        }
        return try MasterKeys(keys: keys)
    }

    /// The development fallback: a key generated into the data folder on first start.
    public static func loadOrCreateDemo(at path: String) throws -> MasterKeys {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            return try parse(text)
        }
        let key = FernetKey.generate()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        FileManager.default.createFile(atPath: path, contents: Data((key.base64URL + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return try MasterKeys(keys: [key])
    }
}

public enum KeyHierarchyError: Error, CustomStringConvertible, Equatable {
    case noMasterKey
    case badMasterKey(position: Int)
    case unwrapFailed(owner: String, purpose: String, version: Int)
    case noActiveKey(owner: String)

    public var description: String {
        switch self {
        case .noMasterKey: "CAREFLOW_MASTER_KEYS holds no key"
        case .badMasterKey(let p): "CAREFLOW_MASTER_KEYS: key #\(p) is not a Fernet key (32 bytes, URL-safe base64)"
        case .unwrapFailed(let o, let p, let v): "the \(p) key v\(v) of \(o) cannot be unwrapped by any master key"
        case .noActiveKey(let o): "\(o) has no active data key"
        }
    }
}
