import Yams

/// `integrations:`: for each capability, an adapter the installed plugins provide for it and the
/// settings its schema accepts; secrets only as references the policy allows.
extension TenantConfigurationLoader {
    static func parseIntegrations(_ node: Node, at field: String, checker: inout TenantFileChecker) -> [Capability: IntegrationSettings] {
        if checker.isNull(node) { return [:] }
        guard let pairs = checker.mapping(node, at: field, what: "a mapping from capability to adapter settings") else { return [:] }
        var integrations: [Capability: IntegrationSettings] = [:]
        for (name, value) in pairs {
            let path = "\(field).\(name)"
            guard let capability = Capability(rawValue: name) else {
                let expected = Capability.allCases.map(\.rawValue).joined(separator: ", ")
                checker.fail(path, "unknown capability '\(name)' (expected one of: \(expected))", value)
                continue
            }
            if let settings = parseIntegration(value, capability: capability, at: path, checker: &checker) {
                integrations[capability] = settings
            }
        }
        return integrations
    }

    private static func parseIntegration(_ node: Node, capability: Capability, at base: String, checker: inout TenantFileChecker) -> IntegrationSettings? {
        let expectedAdapters = checker.adapters.adapterNames(for: capability).joined(separator: ", ")
        func adapterSchema(_ name: String, node: Node) -> SettingsSchema? {
            guard let schema = checker.adapters.adapter(named: name, for: capability)?.settings else {
                checker.fail("\(base).adapter", "unknown adapter '\(name)' (expected one of: \(expectedAdapters))", node)
                return nil
            }
            return schema
        }

        // Shorthand: `llm: none` / `sms: console` for an adapter without settings.
        if case .scalar = node, !checker.isNull(node) {
            guard let name = checker.string(node, at: base, what: "a mapping with an adapter (or an adapter name)") else { return nil }
            guard let schema = adapterSchema(name, node: node) else { return nil }
            let missing = schema.fields.filter(\.required).map(\.name)
            guard missing.isEmpty else {
                checker.fail(base, "adapter '\(name)' needs settings: \(missing.joined(separator: ", "))", node)
                return nil
            }
            return IntegrationSettings(adapter: name)
        }

        guard let pairs = checker.mapping(node, at: base, what: "a mapping with an adapter and its settings") else { return nil }
        guard let adapterNode = pairs.first(where: { $0.key == "adapter" })?.value else {
            checker.fail("\(base).adapter", "required (expected one of: \(expectedAdapters))", node)
            return nil
        }
        guard let adapter = checker.string(adapterNode, at: "\(base).adapter") else { return nil }
        guard let schema = adapterSchema(adapter, node: adapterNode) else { return nil }

        var settings: [String: SettingValue] = [:]
        var valid = true
        for (name, value) in pairs where name != "adapter" {
            let path = "\(base).\(name)"
            guard let spec = schema.fields.first(where: { $0.name == name }) else {
                let expected = schema.fields.isEmpty
                    ? "adapter '\(adapter)' takes no settings"
                    : "expected one of: \(schema.fields.map(\.name).joined(separator: ", "))"
                checker.fail(path, "unknown field for adapter '\(adapter)' (\(expected))", value)
                valid = false
                continue
            }
            if let setting = parseSetting(value, spec: spec, at: path, checker: &checker) {
                settings[name] = setting
            } else {
                valid = false
            }
        }
        let present = Set(pairs.map(\.key))
        for spec in schema.fields where spec.required && !present.contains(spec.name) {
            checker.fail("\(base).\(spec.name)", "required for adapter '\(adapter)'", node)
            valid = false
        }
        return valid ? IntegrationSettings(adapter: adapter, settings: settings) : nil
    }

    private static func parseSetting(_ node: Node, spec: SettingField, at path: String, checker: inout TenantFileChecker) -> SettingValue? {
        let isSecret = spec.kind == .secret
        // A flag (`starttls: true`) is a YAML boolean, which `string` refuses; kept as its word.
        if spec.kind == .boolean, checker.scalarTag(node) == Tag.Name.bool.rawValue {
            return checker.bool(node, at: path).map { .plain($0 ? "true" : "false") }
        }
        // Never echo what is written in a secret field: it may be the secret itself.
        guard let raw = checker.string(node, at: path) else { return nil }

        if SecretReference.looksLikeReference(raw) {
            guard let reference = SecretReference(parsing: raw) else {
                let shown = isSecret ? "" : " '\(raw)'"
                let reason = raw.hasPrefix("env:")
                    ? "invalid secret reference\(shown) (env:NAME, NAME matching ^[A-Z_][A-Z0-9_]*$)"
                    : "invalid secret reference\(shown) (file:/absolute/path)"
                checker.fail(path, reason, node)
                return nil
            }
            if let problem = checker.policy.problem(with: reference) {
                checker.fail(path, problem, node)
                return nil
            }
            return .secret(reference)
        }
        if isSecret {
            checker.fail(path, "secrets must be references (env:NAME or file:/path), never values", node)
            return nil
        }
        if let problem = spec.kind.problem(with: raw) ?? (spec.kind == .adapterURL ? checker.policy.adapterURLProblem(raw) : nil) {
            checker.fail(path, problem, node)
            return nil
        }
        return .plain(raw)
    }
}
