import CareFlowModels
import Foundation
import Yams

/// The tenant's own fields: slug, name, timezone, currency, roles, facilities, risk thresholds.
extension TenantConfigurationLoader {
    private static let topLevelKeys = [
        "slug", "name", "timezone", "currency", "mfa_required_for", "patient_self_signup", "patients_choose_doctor", "demo",
        "facilities", "integrations", "risk_thresholds", "reminders",
    ]

    static func parseTenant(_ root: Node, fileName: String, checker: inout TenantFileChecker) -> TenantConfiguration? {
        guard let pairs = checker.mapping(root, at: "", what: "a mapping of tenant settings") else { return nil }

        var slug: String?, name: String?, timezone: String?
        var currency = "usd", mfaRequiredFor: [Role] = [], patientSelfSignup = false, patientsChooseDoctor = false, demo = false
        var facilities: [FacilitySeed] = [], integrations: [Capability: IntegrationSettings] = [:]
        var riskThresholds: [String: RiskThresholds] = [:]
        var reminders = ReminderSettings.standard

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
            case "reminders":
                reminders = parseReminders(value, at: field, checker: &checker)
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
            facilities: facilities, integrations: integrations, riskThresholds: riskThresholds, reminders: reminders)
    }

    /// `risk_thresholds: {health-risk: {moderate: 0.10, high: 0.20}}`: catalogued model names,
    /// both thresholds given, in (0, 1), moderate below high.
    private static func parseRiskThresholds(_ node: Node, at field: String, checker: inout TenantFileChecker) -> [String: RiskThresholds] {
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

    private static func parseRoles(_ node: Node, at field: String, checker: inout TenantFileChecker) -> [Role] {
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

    private static func parseFacilities(_ node: Node, at field: String, checker: inout TenantFileChecker) -> [FacilitySeed] {
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
}
