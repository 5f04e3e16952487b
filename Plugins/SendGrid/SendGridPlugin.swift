import AdapterHTTP
import CareFlowCore

/// Email through SendGrid (adapter `sendgrid`), and its Event Webhook at
/// `POST /webhooks/{tenant}/sendgrid/events`, verified with `webhook_verification_key`.
public let sendGridPlugin = Plugin(
    adapters: [
        AdapterDescriptor(
            name: "sendgrid", capabilities: [.email],
            settings: SettingsSchema([
                SettingField("api_key", .secret), SettingField("from", .email),
                SettingField("webhook_verification_key", .secret, required: false), .baseURL,
            ]),
            factory: AdapterFactory(email: { settings, environment in
                try SendGridAdapterFactory.make(settings: settings, http: environment.http)
            })),
    ],
    webhooks: [
        WebhookRoute(provider: .sendgrid, path: ["sendgrid", "events"], body: .raw, capability: .email, adapter: "sendgrid",
                     secretField: "webhook_verification_key", verifier: SendGridWebhookVerifier(),
                     handling: .deliveryReports(SendGridEventDecoder())),
    ])
