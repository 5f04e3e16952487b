import AdapterHTTP
import CareFlowCore

/// Email through the tenant's own SMTP server (adapter `smtp`). Tenant files may choose it and
/// are validated against its settings; the adapter itself is not built yet, so the registry
/// refuses a tenant that uses it ("no such adapter") until a factory is added here.
public let smtpPlugin = Plugin(adapters: [
    AdapterDescriptor(
        name: "smtp", capabilities: [.email],
        settings: SettingsSchema([
            SettingField("host", .host), SettingField("from", .email), SettingField("port", .port, required: false),
            SettingField("username", .text, required: false), SettingField("password", .secret, required: false),
        ]),
        factory: AdapterFactory()),
])
