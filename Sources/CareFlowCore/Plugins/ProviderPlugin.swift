/// Everything one `Plugins/<Name>` target contributes, exported as one value: its adapters and,
/// where the provider calls CareFlow back, its webhook routes. The application lists the
/// installed plugins in one array; the adapter registry, the tenant-file validation and the
/// webhook routes are driven by that list, so the core names no provider.
public struct ProviderPlugin<Environment>: Sendable {
    public let adapters: [AdapterDescriptor<Environment>]
    public let webhooks: [WebhookRoute]

    public init(adapters: [AdapterDescriptor<Environment>], webhooks: [WebhookRoute] = []) {
        self.adapters = adapters
        self.webhooks = webhooks
    }
}
