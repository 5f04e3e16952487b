/// One adapter name a plugin provides (`integrations.<capability>.adapter` in a tenant file):
/// the capabilities it serves, the settings it accepts and how it is built.
///
/// `Environment` is what the application hands every factory (the shared HTTP client, the
/// tenant, …); the core never looks inside it, so it knows nothing of HTTP clients.
public struct AdapterDescriptor<Environment>: Sendable {
    public let name: String
    /// The capabilities a tenant file may choose this adapter for.
    public let capabilities: [Capability]
    public let settings: SettingsSchema
    public let factory: AdapterFactory<Environment>

    public init(name: String, capabilities: [Capability], settings: SettingsSchema, factory: AdapterFactory<Environment>) {
        self.name = name
        self.capabilities = capabilities
        self.settings = settings
        self.factory = factory
    }
}

/// Builds an adapter for each capability it serves from the tenant's resolved settings; a nil
/// builder means the adapter is accepted in tenant files but not built yet (the registry then
/// refuses it with "no such adapter"). Builders throw `AdapterConfigurationError` naming the field.
public struct AdapterFactory<Environment>: Sendable {
    public typealias Build<Adapter> = @Sendable (AdapterSettings, Environment) throws -> Adapter

    public var payments: Build<any PaymentGateway>?
    public var sms: Build<any SMSSender>?
    public var email: Build<any EmailSender>?
    public var push: Build<any PushSender>?
    public var llm: Build<any LLMClient>?

    public init(payments: Build<any PaymentGateway>? = nil, sms: Build<any SMSSender>? = nil, email: Build<any EmailSender>? = nil,
                push: Build<any PushSender>? = nil, llm: Build<any LLMClient>? = nil) {
        self.payments = payments
        self.sms = sms
        self.email = email
        self.push = push
        self.llm = llm
    }
}
