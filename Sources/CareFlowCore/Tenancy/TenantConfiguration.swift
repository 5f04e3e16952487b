// Value types for `tenants/<slug>.yaml` (PRODUCT.md §4).
//
// A tenant's non-secret settings and which adapter serves each capability. Secrets are never
// values here: they are `SecretReference`s (`env:NAME` or `file:/path`) resolved later, at the
// edge that needs them. Parsing and validation live in `TenantConfigurationLoader`.

/// A capability CareFlow delegates to an integration adapter, chosen per tenant. Which adapters
/// serve it is what the installed plugins declare (`AdapterCatalog`).
public enum Capability: String, CaseIterable, Sendable, Codable, Hashable {
    case payments, sms, email, push, llm

    /// The adapter used when the tenant file does not mention the capability.
    public static let defaultAdapter = "console"
}

/// Where a secret lives. Only the reference is configuration; the value is read when needed.
public enum SecretReference: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// An environment variable, written `env:NAME` (NAME matches `^[A-Z_][A-Z0-9_]*$`).
    case env(String)
    /// A file (e.g. a mounted container secret), written `file:/absolute/path`.
    case file(String)

    /// Parses `env:NAME` or `file:/absolute/path`; `nil` when the text is not a valid reference.
    public init?(parsing text: String) {
        if text.hasPrefix("env:") {
            let name = String(text.dropFirst(4))
            guard Self.isValidEnvironmentName(name) else { return nil }
            self = .env(name)
        } else if text.hasPrefix("file:") {
            let path = String(text.dropFirst(5))
            guard Self.isValidFilePath(path) else { return nil }
            self = .file(path)
        } else {
            return nil
        }
    }

    /// `true` when the text uses the reference syntax (`env:` or `file:` prefix), valid or not.
    public static func looksLikeReference(_ text: String) -> Bool {
        text.hasPrefix("env:") || text.hasPrefix("file:")
    }

    /// `^[A-Z_][A-Z0-9_]*$`
    public static func isValidEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        guard first == "_" || ("A"..."Z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    /// An absolute path: starts with `/`, names something below the root, no `..` segment,
    /// no control characters.
    public static func isValidFilePath(_ path: String) -> Bool {
        guard path.hasPrefix("/"), path.count > 1 else { return false }
        guard !path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return false }
        return !path.split(separator: "/").contains("..")
    }

    /// The reference as written in YAML (`env:NAME` / `file:/path`).
    public var description: String {
        switch self {
        case .env(let name): "env:\(name)"
        case .file(let path): "file:\(path)"
        }
    }
}

/// One adapter setting: a plain (non-secret) value or a reference to a secret.
public enum SettingValue: Sendable, Equatable, Hashable {
    case plain(String)
    case secret(SecretReference)

    /// The plain value, `nil` for a reference.
    public var plainValue: String? {
        if case .plain(let value) = self { return value }
        return nil
    }

    /// The reference, `nil` for a plain value.
    public var secretReference: SecretReference? {
        if case .secret(let reference) = self { return reference }
        return nil
    }

    /// The value as written in YAML.
    public var yamlText: String {
        switch self {
        case .plain(let value): value
        case .secret(let reference): reference.description
        }
    }
}

/// The adapter serving one capability for a tenant, with its settings (never secret values).
public struct IntegrationSettings: Sendable, Equatable {
    public var adapter: String
    public var settings: [String: SettingValue]

    public init(adapter: String, settings: [String: SettingValue] = [:]) {
        self.adapter = adapter
        self.settings = settings
    }

    /// The development default: messages are recorded locally.
    public static let console = IntegrationSettings(adapter: "console")
    /// The capability is switched off (adapter `none`). Not named `.none`, which would be
    /// ambiguous with `Optional.none` wherever an optional is expected.
    public static let disabled = IntegrationSettings(adapter: "none")

    /// `settings[name]`.
    public subscript(_ name: String) -> SettingValue? { settings[name] }

    /// Setting names whose value is a secret and therefore must be an `env:` / `file:` reference.
    public static let secretFieldNames: Set<String> = [
        "secret_key", "webhook_secret", "auth_token", "api_key", "service_account",
        "password", "signing_key", "webhook_verification_key",
    ]
}

/// A facility created when the tenant is first onboarded.
public struct FacilitySeed: Sendable, Equatable, Hashable {
    /// Matches `^[a-z0-9][a-z0-9-]{1,40}$`, unique within the tenant file.
    public var code: String
    public var name: String
    /// IANA identifier; `nil` means the tenant's timezone.
    public var timezone: String?

    public init(code: String, name: String, timezone: String? = nil) {
        self.code = code
        self.name = name
        self.timezone = timezone
    }
}

/// The parsed, validated contents of `tenants/<slug>.yaml`.
public struct TenantConfiguration: Sendable, Equatable {
    /// Matches `^[a-z0-9][a-z0-9-]{1,62}$` and equals the file name without its extension.
    public var slug: String
    public var name: String
    /// IANA identifier (valid for `TimeZone(identifier:)`).
    public var timezone: String
    /// ISO 4217, lowercase (`"usd"`, `"rwf"`).
    public var currency: String
    /// Roles that must use TOTP in this tenant, on top of the admin roles for which it is
    /// always mandatory (PRODUCT.md §2). Never contains `platform_admin`.
    public var mfaRequiredFor: [Role]
    /// Patients may register themselves (`POST /api/v1/auth/signup`).
    public var patientSelfSignup: Bool
    /// Patients may choose their own primary doctor (`POST /api/v1/patients/{id}/primary-doctor`).
    public var patientsChooseDoctor: Bool
    /// Demo tenants get one seeded user per role.
    public var demo: Bool
    public var facilities: [FacilitySeed]
    /// `risk_thresholds`: per-model overrides of `RiskThresholds.defaults(for:)`, by model name.
    public var riskThresholds: [String: RiskThresholds]
    /// `reminders`: quiet hours and appointment reminder offsets (issue 13).
    public var reminders: ReminderSettings
    /// Always holds every `Capability`: capabilities not given are filled with `.console`.
    public var integrations: [Capability: IntegrationSettings] {
        didSet { integrations = Self.withDefaults(integrations) }
    }

    public init(
        slug: String,
        name: String,
        timezone: String,
        currency: String = "usd",
        mfaRequiredFor: [Role] = [],
        patientSelfSignup: Bool = false,
        patientsChooseDoctor: Bool = false,
        demo: Bool = false,
        facilities: [FacilitySeed] = [],
        integrations: [Capability: IntegrationSettings] = [:],
        riskThresholds: [String: RiskThresholds] = [:],
        reminders: ReminderSettings = .standard
    ) {
        self.reminders = reminders
        self.slug = slug
        self.name = name
        self.timezone = timezone
        self.currency = currency
        self.mfaRequiredFor = mfaRequiredFor
        self.patientSelfSignup = patientSelfSignup
        self.patientsChooseDoctor = patientsChooseDoctor
        self.demo = demo
        self.facilities = facilities
        self.integrations = Self.withDefaults(integrations)
        self.riskThresholds = riskThresholds
    }

    /// The thresholds this tenant uses for a model: its own, else the documented defaults.
    public func thresholds(for model: String) -> RiskThresholds {
        riskThresholds[model] ?? .defaults(for: model)
    }

    /// The adapter settings for a capability (`.console` when not configured).
    public func integration(for capability: Capability) -> IntegrationSettings {
        integrations[capability] ?? .console
    }

    private static func withDefaults(_ integrations: [Capability: IntegrationSettings]) -> [Capability: IntegrationSettings] {
        var filled = integrations
        for capability in Capability.allCases where filled[capability] == nil {
            filled[capability] = .console
        }
        return filled
    }
}

/// One problem in a tenant file: which file, which field (dotted path, `facilities[1].code`),
/// and why. Never contains a secret value.
public struct TenantConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file as named to the loader, e.g. `tenants/kigali-health.yaml`.
    public var file: String
    /// Dotted field path; empty when the problem concerns the whole file.
    public var field: String
    public var reason: String
    /// 1-based line in the file, when known.
    public var line: Int?

    public init(file: String, field: String, reason: String, line: Int? = nil) {
        self.file = file
        self.field = field
        self.reason = reason
        self.line = line
    }

    /// `tenants/kigali-health.yaml: integrations.sms.adapter: unknown adapter 'consle' (expected one of: …, console, none)`
    public var description: String {
        field.isEmpty ? "\(file): \(reason)" : "\(file): \(field): \(reason)"
    }
}

/// Every problem found (in one file for `parse`, in all files for `loadDirectory`).
public struct TenantConfigurationErrors: Error, CustomStringConvertible, Sendable, Equatable {
    public var errors: [TenantConfigurationError]

    public init(_ errors: [TenantConfigurationError]) {
        self.errors = errors
    }

    /// One error per line.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
