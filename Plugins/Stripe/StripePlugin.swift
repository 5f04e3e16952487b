import AdapterHTTP
import CareFlowCore

/// Payments through Stripe (adapter `stripe`), and Stripe's payment events at
/// `POST /webhooks/{tenant}/stripe`, verified with `webhook_secret`.
public let stripePlugin = Plugin(
    adapters: [
        AdapterDescriptor(
            name: "stripe", capabilities: [.payments],
            settings: SettingsSchema([SettingField("secret_key", .secret), SettingField("webhook_secret", .secret), .baseURL]),
            factory: AdapterFactory(payments: { settings, environment in
                try StripeAdapterFactory.make(settings: settings, http: environment.http)
            })),
    ],
    webhooks: [
        WebhookRoute(provider: .stripe, path: ["stripe"], body: .raw, capability: .payments, adapter: "stripe",
                     secretField: "webhook_secret", verifier: StripeWebhookVerifier(), handling: .paymentEvent(StripeEventDecoder())),
    ])
