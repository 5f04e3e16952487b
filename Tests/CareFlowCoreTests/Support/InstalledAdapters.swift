@testable import CareFlowCore
import InstalledPlugins

/// The tenant-file tests read files as the application does: against the installed plugins'
/// adapters and settings schemas.
extension TenantConfigurationLoader {
    static func parse(yaml: String, fileName: String, policy: TenantSecretPolicy = TenantSecretPolicy()) throws -> TenantConfiguration {
        try parse(yaml: yaml, fileName: fileName, policy: policy, adapters: .installed)
    }

    static func parseCollectingErrors(yaml: String, fileName: String,
                                      policy: TenantSecretPolicy = TenantSecretPolicy()) -> Result<TenantConfiguration, TenantConfigurationErrors> {
        parseCollectingErrors(yaml: yaml, fileName: fileName, policy: policy, adapters: .installed)
    }

    static func loadDirectory(_ path: String, policy: TenantSecretPolicy = TenantSecretPolicy()) throws -> [TenantConfiguration] {
        try loadDirectory(path, policy: policy, adapters: .installed)
    }

    static func render(_ config: TenantConfiguration) -> String {
        render(config, adapters: .installed)
    }
}
