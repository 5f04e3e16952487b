import Yams

/// Writing a tenant file (onboarding writes `tenants/<slug>.yaml`).
extension TenantConfigurationLoader {
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
        if config.reminders != .standard {
            let quiet = config.reminders.quietHours
            let reminders: [(Node, Node)] = [
                (key("quiet_hours"), Node([(key("start"), text(quiet.start.description)), (key("end"), text(quiet.end.description))],
                                          .implicit, .flow)),
                (key("appointment_offsets"), Node(config.reminders.appointmentOffsets.map { text(ReminderSettings.text(of: $0)) },
                                                  .implicit, .flow)),
            ]
            top.append((key("reminders"), Node(reminders, .implicit, .block)))
        }

        let body = (try? Yams.serialize(node: Node(top, .implicit, .block), indent: 2, width: -1, allowUnicode: true)) ?? ""
        return """
            # CareFlow tenant configuration (PRODUCT.md §4).
            # Secrets are references (env:NAME or file:/path), never values.

            """ + body
    }

    private static func key(_ name: String) -> Node { Node(name) }

    private static func boolean(_ value: Bool) -> Node { Node(value ? "true" : "false") }

    /// A string scalar, quoted when YAML would otherwise read it as something else
    /// (`yes`, `null`, `123`, an empty string, …).
    private static func text(_ value: String) -> Node {
        let plainReadsAsString = !value.isEmpty && Resolver.default.resolveTag(of: Node(value)) == Tag.Name.str
        return Node(value, Tag(.str), plainReadsAsString ? .any : .doubleQuoted)
    }
}
