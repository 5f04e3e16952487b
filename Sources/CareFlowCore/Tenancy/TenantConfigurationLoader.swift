// Parsing, validation and rendering of `tenants/<slug>.yaml` (PRODUCT.md §4).
//
// The YAML is composed to a `Yams.Node` tree and checked by hand, so that every wrong key,
// wrong YAML type and invalid value is reported with its file, dotted field path and reason,
// and all problems of a file are reported at once. Secret references are checked for syntax
// and against the `TenantSecretPolicy` (allowed folder and names, where adapters may send them)
// here; they are resolved by whoever needs the secret.

import CareFlowModels
import Foundation
import Yams

public enum TenantConfigurationLoader {
    /// Parses and validates one tenant file.
    ///
    /// - Parameters:
    ///   - yaml: the file contents.
    ///   - fileName: the file as it should appear in errors (e.g. `tenants/kigali-health.yaml`);
    ///     its last path component without `.yaml` / `.yml` must equal the slug.
    ///   - policy: where secrets may come from and where adapters may send them.
    ///   - adapters: the adapters the installed plugins provide, with their settings.
    /// - Throws: `TenantConfigurationErrors` listing every problem found.
    public static func parse(yaml: String, fileName: String, policy: TenantSecretPolicy = TenantSecretPolicy(),
                             adapters: AdapterCatalog) throws -> TenantConfiguration {
        switch parseCollectingErrors(yaml: yaml, fileName: fileName, policy: policy, adapters: adapters) {
        case .success(let configuration): return configuration
        case .failure(let errors): throw errors
        }
    }

    /// Loads every `*.yaml` / `*.yml` file of a directory (hidden files are ignored), sorted by
    /// slug. Every problem of every file is reported in one `TenantConfigurationErrors`,
    /// including a slug defined by more than one file.
    public static func loadDirectory(_ path: String, policy: TenantSecretPolicy = TenantSecretPolicy(),
                                     adapters: AdapterCatalog) throws -> [TenantConfiguration] {
        let fileManager = FileManager.default
        let directory = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let entries: [String]
        do {
            entries = try fileManager.contentsOfDirectory(atPath: directory)
        } catch {
            throw TenantConfigurationErrors([
                TenantConfigurationError(file: directory, field: "", reason: "cannot read the tenants directory"),
            ])
        }

        var errors: [TenantConfigurationError] = []
        var loaded: [(file: String, configuration: TenantConfiguration)] = []
        for entry in entries.sorted() where !entry.hasPrefix(".") && (entry.hasSuffix(".yaml") || entry.hasSuffix(".yml")) {
            let file = directory == "/" ? "/\(entry)" : "\(directory)/\(entry)"
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            guard let data = fileManager.contents(atPath: file) else {
                errors.append(TenantConfigurationError(file: file, field: "", reason: "cannot read the file"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                errors.append(TenantConfigurationError(file: file, field: "", reason: "the file is not valid UTF-8"))
                continue
            }
            switch parseCollectingErrors(yaml: text, fileName: file, policy: policy, adapters: adapters) {
            case .success(let configuration): loaded.append((file, configuration))
            case .failure(let failure): errors.append(contentsOf: failure.errors)
            }
        }

        var firstFileBySlug: [String: String] = [:]
        for (file, configuration) in loaded {
            if let first = firstFileBySlug[configuration.slug] {
                errors.append(TenantConfigurationError(
                    file: file, field: "slug",
                    reason: "duplicate slug '\(configuration.slug)' (already defined in \(first))"))
            } else {
                firstFileBySlug[configuration.slug] = file
            }
        }

        guard errors.isEmpty else { throw TenantConfigurationErrors(errors) }
        return loaded.map(\.configuration).sorted { $0.slug < $1.slug }
    }

    /// Renders a configuration as YAML that `parse` reads back to an equal value (given the
    /// file name `<slug>.yaml`). Used by onboarding to write `tenants/<slug>.yaml`. Settings
    /// are written in the order the adapter declares them.
    public static func render(_ config: TenantConfiguration, adapters: AdapterCatalog) -> String {
        var top: [(Node, Node)] = [
            (key("slug"), text(config.slug)),
            (key("name"), text(config.name)),
            (key("timezone"), text(config.timezone)),
            (key("currency"), text(config.currency)),
            (key("mfa_required_for"), Node(config.mfaRequiredFor.map { text($0.rawValue) }, .implicit, .flow)),
            (key("patient_self_signup"), boolean(config.patientSelfSignup)),
            (key("patients_choose_doctor"), boolean(config.patientsChooseDoctor)),
            (key("demo"), boolean(config.demo)),
        ]
        if !config.facilities.isEmpty {
            let facilities = config.facilities.map { facility -> Node in
                var pairs: [(Node, Node)] = [(key("code"), text(facility.code)), (key("name"), text(facility.name))]
                if let timezone = facility.timezone { pairs.append((key("timezone"), text(timezone))) }
                return Node(pairs, .implicit, .block)
            }
            top.append((key("facilities"), Node(facilities, .implicit, .block)))
        }
        let integrations = Capability.allCases.map { capability -> (Node, Node) in
            let integration = config.integration(for: capability)
            var pairs: [(Node, Node)] = [(key("adapter"), text(integration.adapter))]
            let order = adapters.adapter(named: integration.adapter)?.settings.fields.map(\.name) ?? []
            let names = integration.settings.keys.sorted { lhs, rhs in
                let (l, r) = (order.firstIndex(of: lhs) ?? Int.max, order.firstIndex(of: rhs) ?? Int.max)
                return l != r ? l < r : lhs < rhs
            }
            for name in names {
                pairs.append((key(name), text(integration.settings[name]!.yamlText)))
            }
            return (key(capability.rawValue), Node(pairs, .implicit, .flow))
        }
        top.append((key("integrations"), Node(integrations, .implicit, .block)))
        if !config.riskThresholds.isEmpty {
            let models = config.riskThresholds.keys.sorted().map { model -> (Node, Node) in
                let t = config.riskThresholds[model]!
                return (key(model), Node([(key("moderate"), Node(String(t.moderate))), (key("high"), Node(String(t.high)))],
                                         .implicit, .flow))
            }
            top.append((key("risk_thresholds"), Node(models, .implicit, .block)))
        }

        let body = (try? Yams.serialize(node: Node(top, .implicit, .block), indent: 2, width: -1, allowUnicode: true)) ?? ""
        return """
            # CareFlow tenant configuration (PRODUCT.md §4).
            # Secrets are references (env:NAME or file:/path), never values.

            """ + body
    }

    // MARK: - Rendering helpers

    private static func key(_ name: String) -> Node { Node(name) }

    private static func boolean(_ value: Bool) -> Node { Node(value ? "true" : "false") }

    /// A string scalar, quoted when YAML would otherwise read it as something else
    /// (`yes`, `null`, `123`, an empty string, …).
    private static func text(_ value: String) -> Node {
        let plainReadsAsString = !value.isEmpty && Resolver.default.resolveTag(of: Node(value)) == Tag.Name.str
        return Node(value, Tag(.str), plainReadsAsString ? .any : .doubleQuoted)
    }

    // MARK: - Parsing

    static func parseCollectingErrors(yaml: String, fileName: String, policy: TenantSecretPolicy = TenantSecretPolicy(),
                                      adapters: AdapterCatalog) -> Result<TenantConfiguration, TenantConfigurationErrors> {
        var checker = Checker(file: fileName, policy: policy, adapters: adapters)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            checker.fail("", syntaxErrorReason(error, yaml: yaml), line: syntaxErrorLine(error, yaml: yaml))
            return .failure(TenantConfigurationErrors(checker.errors))
        }
        guard let root else {
            checker.fail("", "the file is empty")
            return .failure(TenantConfigurationErrors(checker.errors))
        }
        let configuration = parseTenant(root, fileName: fileName, checker: &checker)
        if let configuration, checker.errors.isEmpty {
            return .success(configuration)
        }
        return .failure(TenantConfigurationErrors(checker.errors))
    }

    private static let topLevelKeys = [
        "slug", "name", "timezone", "currency", "mfa_required_for", "patient_self_signup", "patients_choose_doctor", "demo",
        "facilities", "integrations", "risk_thresholds",
    ]

    private static func parseTenant(_ root: Node, fileName: String, checker: inout Checker) -> TenantConfiguration? {
        guard let pairs = checker.mapping(root, at: "", what: "a mapping of tenant settings") else { return nil }

        var slug: String?, name: String?, timezone: String?
        var currency = "usd", mfaRequiredFor: [Role] = [], patientSelfSignup = false, patientsChooseDoctor = false, demo = false
        var facilities: [FacilitySeed] = [], integrations: [Capability: IntegrationSettings] = [:]
        var riskThresholds: [String: RiskThresholds] = [:]

        for (field, value) in pairs {
            switch field {
            case "slug":
                guard let raw = checker.string(value, at: field) else { continue }
                if raw.wholeMatch(of: /[a-z0-9][a-z0-9-]{1,62}/) == nil {
                    checker.fail(field, "invalid slug '\(raw)' (lowercase letters, digits and '-', 2 to 63 characters, not starting with '-')", value)
                } else if let expected = slugFromFileName(fileName), expected != raw {
                    checker.fail(field, "slug '\(raw)' does not match the file name (expected '\(expected)')", value)
                }
                slug = raw
            case "name":
                guard let raw = checker.string(value, at: field) else { continue }
                if raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    checker.fail(field, "must not be empty", value)
                }
                name = raw
            case "timezone":
                timezone = checker.timezone(value, at: field)
            case "currency":
                guard let raw = checker.string(value, at: field) else { continue }
                if let reason = currencyProblem(raw) { checker.fail(field, reason, value) }
                currency = raw
            case "mfa_required_for":
                mfaRequiredFor = parseRoles(value, at: field, checker: &checker)
            case "patient_self_signup":
                patientSelfSignup = checker.bool(value, at: field) ?? false
            case "patients_choose_doctor":
                patientsChooseDoctor = checker.bool(value, at: field) ?? false
            case "demo":
                demo = checker.bool(value, at: field) ?? false
            case "facilities":
                facilities = parseFacilities(value, at: field, checker: &checker)
            case "integrations":
                integrations = parseIntegrations(value, at: field, checker: &checker)
            case "risk_thresholds":
                riskThresholds = parseRiskThresholds(value, at: field, checker: &checker)
            default:
                checker.fail(field, "unknown field (expected one of: \(topLevelKeys.joined(separator: ", ")))", value)
            }
        }

        let present = Set(pairs.map(\.key))
        for required in ["slug", "name", "timezone"] where !present.contains(required) {
            checker.fail(required, "required", line: root.mark?.line)
        }

        guard let slug, let name, let timezone else { return nil }
        return TenantConfiguration(
            slug: slug, name: name, timezone: timezone, currency: currency,
            mfaRequiredFor: mfaRequiredFor, patientSelfSignup: patientSelfSignup,
            patientsChooseDoctor: patientsChooseDoctor, demo: demo,
            facilities: facilities, integrations: integrations, riskThresholds: riskThresholds)
    }

    /// `risk_thresholds: {health-risk: {moderate: 0.10, high: 0.20}}`: catalogued model names,
    /// both thresholds given, in (0, 1), moderate below high.
    private static func parseRiskThresholds(_ node: Node, at field: String, checker: inout Checker) -> [String: RiskThresholds] {
        if checker.isNull(node) { return [:] }
        guard let models = checker.mapping(node, at: field, what: "a mapping of model names to thresholds") else { return [:] }
        let known = ModelCatalog.all.map(\.name)
        var result: [String: RiskThresholds] = [:]
        for (model, value) in models {
            let path = "\(field).\(model)"
            guard known.contains(model) else {
                checker.fail(path, "unknown model (expected one of: \(known.joined(separator: ", ")))", value)
                continue
            }
            guard let pairs = checker.mapping(value, at: path, what: "a mapping with moderate and high") else { continue }
            var moderate: Double?, high: Double?
            for (name, number) in pairs {
                switch name {
                case "moderate": moderate = checker.number(number, at: "\(path).moderate")
                case "high": high = checker.number(number, at: "\(path).high")
                default: checker.fail("\(path).\(name)", "unknown field (expected one of: moderate, high)", number)
                }
            }
            let present = Set(pairs.map(\.key))
            for required in ["moderate", "high"] where !present.contains(required) {
                checker.fail("\(path).\(required)", "required", value)
            }
            guard let moderate, let high else { continue }
            let thresholds = RiskThresholds(moderate: moderate, high: high)
            if let problem = thresholds.problem {
                checker.fail(path, problem, value)
            } else {
                result[model] = thresholds
            }
        }
        return result
    }

    /// The slug a file name implies: its last path component without `.yaml` / `.yml`.
    private static func slugFromFileName(_ fileName: String) -> String? {
        guard let last = fileName.split(separator: "/", omittingEmptySubsequences: true).last else { return nil }
        for suffix in [".yaml", ".yml"] where last.hasSuffix(suffix) {
            return String(last.dropLast(suffix.count))
        }
        return String(last)
    }

    private static func currencyProblem(_ code: String) -> String? {
        guard code.wholeMatch(of: /[a-z]{3}/) != nil else {
            return "invalid currency '\(code)' (expected a lowercase ISO 4217 code such as 'usd' or 'rwf')"
        }
        let known = Locale.Currency.isoCurrencies.map { $0.identifier.uppercased() }
        if !known.isEmpty, !known.contains(code.uppercased()) {
            return "unknown ISO 4217 currency '\(code)'"
        }
        return nil
    }

    private static func parseRoles(_ node: Node, at field: String, checker: inout Checker) -> [Role] {
        if checker.isNull(node) { return [] }
        guard let items = checker.sequence(node, at: field, what: "a list of role names") else { return [] }
        let tenantRoles = Role.allCases.filter { $0 != .platformAdmin }.map(\.rawValue)
        var roles: [Role] = []
        for (index, item) in items.enumerated() {
            let path = "\(field)[\(index)]"
            guard let raw = checker.string(item, at: path) else { continue }
            if raw == Role.platformAdmin.rawValue {
                checker.fail(path, "platform_admin is not a tenant role", item)
            } else if let role = Role(rawValue: raw) {
                if roles.contains(role) {
                    checker.fail(path, "duplicate role '\(raw)'", item)
                } else {
                    roles.append(role)
                }
            } else {
                checker.fail(path, "unknown role '\(raw)' (expected one of: \(tenantRoles.joined(separator: ", ")))", item)
            }
        }
        return roles
    }

    private static func parseFacilities(_ node: Node, at field: String, checker: inout Checker) -> [FacilitySeed] {
        if checker.isNull(node) { return [] }
        guard let items = checker.sequence(node, at: field, what: "a list of facilities") else { return [] }
        var facilities: [FacilitySeed] = []
        var seenCodes: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let base = "\(field)[\(index)]"
            guard let pairs = checker.mapping(item, at: base, what: "a mapping with code, name and optional timezone") else { continue }
            var code: String?, name: String?, timezone: String?, valid = true
            for (key, value) in pairs {
                let path = "\(base).\(key)"
                switch key {
                case "code":
                    guard let raw = checker.string(value, at: path) else { valid = false; continue }
                    if raw.wholeMatch(of: /[a-z0-9][a-z0-9-]{1,40}/) == nil {
                        checker.fail(path, "invalid facility code '\(raw)' (lowercase letters, digits and '-', 2 to 41 characters, not starting with '-')", value)
                    } else if let first = seenCodes[raw] {
                        checker.fail(path, "duplicate facility code '\(raw)' (already used by facilities[\(first)])", value)
                    } else {
                        seenCodes[raw] = index
                    }
                    code = raw
                case "name":
                    guard let raw = checker.string(value, at: path) else { valid = false; continue }
                    if raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                        checker.fail(path, "must not be empty", value)
                    }
                    name = raw
                case "timezone":
                    guard let raw = checker.timezone(value, at: path) else { valid = false; continue }
                    timezone = raw
                default:
                    checker.fail(path, "unknown field (expected one of: code, name, timezone)", value)
                }
            }
            let present = Set(pairs.map(\.key))
            for required in ["code", "name"] where !present.contains(required) {
                checker.fail("\(base).\(required)", "required", item)
            }
            if valid, let code, let name {
                facilities.append(FacilitySeed(code: code, name: name, timezone: timezone))
            }
        }
        return facilities
    }

    private static func parseIntegrations(_ node: Node, at field: String, checker: inout Checker) -> [Capability: IntegrationSettings] {
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

    private static func parseIntegration(_ node: Node, capability: Capability, at base: String, checker: inout Checker) -> IntegrationSettings? {
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

    private static func parseSetting(_ node: Node, spec: SettingField, at path: String, checker: inout Checker) -> SettingValue? {
        let isSecret = spec.kind == .secret
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

    // MARK: - YAML syntax errors

    private static func syntaxErrorLine(_ error: any Error, yaml: String) -> Int? {
        guard let error = error as? YamlError else { return nil }
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        case .reader(_, let offset?, _, _):
            return yaml.prefix(offset).reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        default:
            return nil
        }
    }

    private static func syntaxErrorReason(_ error: any Error, yaml: String) -> String {
        guard let error = error as? YamlError else { return "invalid YAML: \(error)" }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let context = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return "invalid YAML at line \(mark.line), column \(mark.column): \(problem)\(context)"
        case .reader(let problem, _, _, _):
            if let line = syntaxErrorLine(error, yaml: yaml) {
                return "invalid YAML at line \(line): \(problem)"
            }
            return "invalid YAML: \(problem)"
        default:
            return "invalid YAML: \(error)"
        }
    }
}

// MARK: - Node checking

/// Walks the YAML tree, checking YAML types and recording errors with their field paths.
private struct Checker {
    let file: String
    let policy: TenantSecretPolicy
    let adapters: AdapterCatalog
    var errors: [TenantConfigurationError] = []

    init(file: String, policy: TenantSecretPolicy, adapters: AdapterCatalog) {
        self.file = file
        self.policy = policy
        self.adapters = adapters
    }

    mutating func fail(_ field: String, _ reason: String, line: Int? = nil) {
        errors.append(TenantConfigurationError(file: file, field: field, reason: reason, line: line))
    }

    mutating func fail(_ field: String, _ reason: String, _ node: Node) {
        fail(field, reason, line: node.mark?.line)
    }

    /// The YAML type of a scalar: its explicit tag, `str` when quoted or tagged `!`, otherwise
    /// what the YAML 1.1 core schema makes of its text (`true`, `12`, `~`, …).
    func scalarTag(_ node: Node) -> String {
        let name = Resolver.default.resolveTag(of: node)
        return name == Tag.Name.nonSpecific ? Tag.Name.str.rawValue : name.rawValue
    }

    func isNull(_ node: Node) -> Bool {
        if case .scalar = node { return scalarTag(node) == Tag.Name.null.rawValue }
        return false
    }

    /// A human name for a node's YAML type.
    func typeName(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar:
            let tag = scalarTag(node)
            switch tag {
            case Tag.Name.null.rawValue: return "nothing (null)"
            case Tag.Name.bool.rawValue: return "a boolean"
            case Tag.Name.int.rawValue: return "an integer"
            case Tag.Name.float.rawValue: return "a number"
            case Tag.Name.timestamp.rawValue: return "a date"
            case Tag.Name.str.rawValue: return "a string"
            default: return "a value tagged \(tag)"
            }
        }
    }

    /// A mapping with string keys, each key once; `nil` (and an error) otherwise.
    mutating func mapping(_ node: Node, at field: String, what: String) -> [(key: String, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            fail(field, "expected \(what), got \(typeName(node))", node)
            return nil
        }
        var pairs: [(key: String, value: Node)] = []
        var seen: Set<String> = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode, !isNull(keyNode) else {
                fail(field, "keys must be plain names, got \(typeName(keyNode))", keyNode)
                continue
            }
            let key = scalar.string
            guard seen.insert(key).inserted else {
                fail(field.isEmpty ? key : "\(field).\(key)", "duplicate key", keyNode)
                continue
            }
            pairs.append((key, value))
        }
        return pairs
    }

    mutating func sequence(_ node: Node, at field: String, what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            fail(field, "expected \(what), got \(typeName(node))", node)
            return nil
        }
        return Array(sequence)
    }

    /// A scalar written as text; numbers are accepted as their literal text (`from: +250…`),
    /// booleans, nulls, lists and mappings are not.
    mutating func string(_ node: Node, at field: String, what: String = "a string") -> String? {
        guard case .scalar(let scalar) = node else {
            fail(field, "expected \(what), got \(typeName(node))", node)
            return nil
        }
        let tag = scalarTag(node)
        switch tag {
        case Tag.Name.str.rawValue, Tag.Name.int.rawValue, Tag.Name.float.rawValue, Tag.Name.timestamp.rawValue:
            return scalar.string
        default:
            fail(field, "expected \(what), got \(typeName(node))\(tag == Tag.Name.bool.rawValue ? " (quote it if it is text)" : "")", node)
            return nil
        }
    }

    mutating func number(_ node: Node, at field: String) -> Double? {
        guard case .scalar(let scalar) = node, [Tag.Name.int.rawValue, Tag.Name.float.rawValue].contains(scalarTag(node)),
              let value = Double(scalar.string), value.isFinite else {
            fail(field, "expected a number, got \(typeName(node))", node)
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node, at field: String) -> Bool? {
        guard case .scalar = node, scalarTag(node) == Tag.Name.bool.rawValue, let value = node.bool else {
            fail(field, "expected true or false, got \(typeName(node))", node)
            return nil
        }
        return value
    }

    mutating func timezone(_ node: Node, at field: String) -> String? {
        guard let raw = string(node, at: field) else { return nil }
        guard !raw.isEmpty, TimeZone(identifier: raw) != nil else {
            fail(field, "unknown time zone '\(raw)' (expected an IANA identifier such as Africa/Kigali)", node)
            return nil
        }
        return raw
    }
}
