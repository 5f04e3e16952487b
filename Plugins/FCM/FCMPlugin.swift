import AdapterHTTP
import CareFlowCore

/// Push through Firebase Cloud Messaging (adapter `fcm`).
public let fcmPlugin = Plugin(adapters: [
    AdapterDescriptor(
        name: "fcm", capabilities: [.push],
        settings: SettingsSchema([SettingField("service_account", .secret), .baseURL]),
        factory: AdapterFactory(push: { settings, environment in try FCMAdapterFactory.make(settings: settings, http: environment.http) })),
])
