import AdapterHTTP
import CareFlowCore

/// LLM completions through the OpenAI-compatible API: adapters `openai` and `groq` (one API,
/// two default base URLs).
public let openAIPlugin = Plugin(adapters: ["openai", "groq"].map { name in
    AdapterDescriptor(
        name: name, capabilities: [.llm],
        settings: SettingsSchema([SettingField("api_key", .secret), SettingField("model", .text), .baseURL]),
        factory: AdapterFactory(llm: { settings, environment in try OpenAIAdapterFactory.make(settings: settings, http: environment.http) }))
})
