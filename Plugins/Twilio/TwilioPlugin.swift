import AdapterHTTP
import CareFlowCore

/// SMS through Twilio (adapter `twilio`), and Twilio's callbacks: inbound SMS at
/// `POST /webhooks/{tenant}/twilio/sms`, status callbacks at `…/twilio/status`, both verified
/// with `auth_token`.
public let twilioPlugin = Plugin(
    adapters: [
        AdapterDescriptor(
            name: "twilio", capabilities: [.sms],
            settings: SettingsSchema([
                SettingField("account_sid", .text), SettingField("auth_token", .secret), SettingField("from", .e164), .baseURL,
                // The public origin Twilio calls (signatures cover it); default CAREFLOW_PUBLIC_URL.
                SettingField("webhook_base_url", .httpURL, required: false),
            ]),
            factory: AdapterFactory(sms: { settings, environment in try TwilioAdapterFactory.make(settings: settings, http: environment.http) })),
    ],
    webhooks: [
        WebhookRoute(provider: .twilio, path: ["twilio", "sms"], body: .form, capability: .sms, adapter: "twilio",
                     secretField: "auth_token", verifier: TwilioWebhookVerifier(), handling: .inboundMessage(TwilioInboundDecoder())),
        WebhookRoute(provider: .twilio, path: ["twilio", "status"], body: .form, capability: .sms, adapter: "twilio",
                     secretField: "auth_token", verifier: TwilioWebhookVerifier(), handling: .deliveryReports(TwilioStatusDecoder())),
    ])
