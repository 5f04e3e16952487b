import AdapterHTTP
import CareFlowCore

/// `console` (messages recorded in `$CAREFLOW_DATA_DIR/console/<tenant-slug>.jsonl`, the
/// development default) and `none` (the capability switched off), for every capability.
/// Installed last: tenant-file errors list the provider adapters first.
public let consolePlugin = Plugin(adapters: [
    AdapterDescriptor(
        name: "console", capabilities: Capability.allCases, settings: .empty,
        factory: AdapterFactory(
            payments: { _, environment in ConsolePaymentGateway(journal: journal(environment)) },
            sms: { _, environment in ConsoleSMSSender(journal: journal(environment)) },
            email: { _, environment in ConsoleEmailSender(journal: journal(environment)) },
            push: { _, environment in ConsolePushSender(journal: journal(environment)) },
            llm: { _, environment in ConsoleLLMClient(journal: journal(environment)) })),
    AdapterDescriptor(
        name: "none", capabilities: Capability.allCases, settings: .empty,
        factory: AdapterFactory(
            payments: { _, _ in DisabledIntegration() }, sms: { _, _ in DisabledIntegration() },
            email: { _, _ in DisabledIntegration() }, push: { _, _ in DisabledIntegration() },
            llm: { _, _ in DisabledIntegration() })),
])

/// One journal per tenant for all capabilities, so lines never interleave.
private func journal(_ environment: AdapterEnvironment) -> ConsoleJournal {
    environment.shared("console.journal") {
        ConsoleJournal(directory: environment.consoleDirectory, tenantSlug: environment.tenantSlug)
    }
}
