import CareFlowCore
import ConsoleAdapter
import Foundation

/// Picks each tenant's email adapter from its configuration. Only `console` and `none` exist
/// so far; a tenant configured for a provider adapter that is not built yet falls back to the
/// console journal (logged at start-up) rather than dropping mail.
actor EmailAdapterRegistry: EmailSenderDirectory {
    private let consoleDirectory: String
    private let tenants: TenantDirectory
    private var journals: [String: ConsoleJournal] = [:]

    init(consoleDirectory: String, tenants: TenantDirectory) {
        self.consoleDirectory = consoleDirectory
        self.tenants = tenants
    }

    func emailSender(forTenant slug: String) async throws -> any EmailSender {
        let adapter = tenants[slug]?.integration(for: .email).adapter ?? "console"
        if adapter == "none" { return DisabledIntegration() }
        return ConsoleEmailSender(journal: journal(for: slug))
    }

    private func journal(for slug: String) -> ConsoleJournal {
        if let j = journals[slug] { return j }
        let j = ConsoleJournal(directory: consoleDirectory, tenantSlug: slug)
        journals[slug] = j
        return j
    }
}
