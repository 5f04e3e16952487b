import Foundation

/// The settings one adapter accepts in `integrations.<capability>` of a tenant file: checked
/// when tenant files load (`TenantConfigurationLoader`), in the order listed when rendered.
public struct SettingsSchema: Sendable {
    public var fields: [SettingField]

    public init(_ fields: [SettingField]) {
        self.fields = fields
    }

    /// An adapter without settings (`console`, `none`).
    public static let empty = SettingsSchema([])

    public func field(named name: String) -> SettingField? {
        fields.first { $0.name == name }
    }
}

/// One setting of an adapter: its name, what a value must look like, and whether it may be left out.
public struct SettingField: Sendable {
    public var name: String
    public var kind: SettingKind
    public var required: Bool

    public init(_ name: String, _ kind: SettingKind, required: Bool = true) {
        self.name = name
        self.kind = kind
        self.required = required
    }

    /// `base_url`: where the adapter sends its requests (and secrets); optional, the
    /// provider's own URL by default. Tests point it at a fake provider.
    public static let baseURL = SettingField("base_url", .adapterURL, required: false)
}

/// What a setting's value must be.
public enum SettingKind: Sendable, Equatable {
    /// Must be an `env:` / `file:` reference.
    case secret
    /// Any non-empty value.
    case text
    /// `+` and 7 to 15 digits.
    case e164
    case email
    /// `http://` or `https://` with a host and no embedded credentials.
    case httpURL
    /// Where an adapter sends its secrets: an `httpURL` that the policy also accepts
    /// (`TenantSecretPolicy.adapterURLProblem`).
    case adapterURL
    /// A host name or address, without scheme, port or path.
    case host
    /// 1…65535.
    case port
    /// `true` or `false`: a YAML boolean, or the word quoted (as a rendered tenant file has it).
    case boolean

    /// Why a plain value is not acceptable, `nil` when it is.
    public func problem(with value: String) -> String? {
        switch self {
        case .secret:
            return "secrets must be references (env:NAME or file:/path), never values"
        case .text:
            return value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "must not be empty" : nil
        case .e164:
            return value.wholeMatch(of: /\+[1-9][0-9]{6,14}/) == nil
                ? "invalid phone number '\(value)' (expected E.164, e.g. +250700000000)" : nil
        case .email:
            return value.wholeMatch(of: /[^@\s<>"]+@[^@\s<>"]+\.[^@\s<>".]+/) == nil
                ? "invalid email address '\(value)'" : nil
        case .httpURL, .adapterURL:
            guard let url = URL(string: value), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
            else { return "invalid URL '\(value)' (expected http:// or https://)" }
            if url.user != nil || url.password != nil {
                return "the URL must not embed credentials"
            }
            return nil
        case .host:
            return value.wholeMatch(of: /[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]/) == nil
                ? "invalid host '\(value)' (a host name or address, without scheme, port or path)" : nil
        case .port:
            guard let port = Int(value), (1...65535).contains(port) else {
                return "invalid port '\(value)' (expected 1 to 65535)"
            }
            return nil
        case .boolean:
            return value == "true" || value == "false" ? nil : "expected true or false, got '\(value)'"
        }
    }
}
