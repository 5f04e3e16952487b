import AdapterHTTP
import CareFlowCore

/// Email through the tenant's own SMTP server (adapter `smtp`), with libcurl's SMTP client:
/// STARTTLS required unless `starttls: false`, certificates verified (against `ca_file` when
/// given), AUTH when `username`/`password` are set. No webhooks: SMTP reports nothing back.
public let smtpPlugin = Plugin(adapters: [
    AdapterDescriptor(
        name: "smtp", capabilities: [.email],
        settings: SettingsSchema([
            SettingField("host", .host), SettingField("port", .port, required: false), SettingField("from", .email),
            SettingField("username", .text, required: false), SettingField("password", .secret, required: false),
            SettingField("starttls", .boolean, required: false), SettingField("ca_file", .text, required: false),
        ]),
        factory: AdapterFactory(email: { settings, _ in
            try SMTPAdapterFactory.make(settings: settings)
        })),
])
