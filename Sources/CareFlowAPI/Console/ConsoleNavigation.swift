import CareFlowCore

/// The console's menu: a page appears only for a caller whose roles grant the action behind
/// it (the server refuses the page anyway; hiding it just spares a dead end).
struct ConsoleNavItem: Encodable, Sendable {
    let label: String
    let href: String
    let current: Bool
}

enum ConsoleNavigation {
    private static let pages: [(label: String, href: String, actions: [Action])] = [
        ("Dashboard", ConsolePaths.dashboard, [.analyticsRead, .analyticsRevenueRead]),
        ("Facilities", ConsolePaths.facilities, [.facilityRead]),
        ("Staff", ConsolePaths.staff, [.staffRead]),
        ("Integrations", ConsolePaths.integrations, [.integrationRead]),
        ("Audit", ConsolePaths.audit, [.auditRead]),
    ]

    static func items(for principal: Principal, currentPath: String) -> [ConsoleNavItem] {
        let section = section(of: currentPath)
        return pages.filter { page in page.actions.contains { principal.mayEver($0) } }
            .map { ConsoleNavItem(label: $0.label, href: $0.href, current: $0.href == section) }
    }

    /// The menu entry a page belongs to: a facility's staff page (`/console/facilities/{id}/staff`)
    /// is under Staff, not Facilities, although its path starts with the latter.
    static func section(of path: String) -> String? {
        if path.hasPrefix(ConsolePaths.facilities + "/"), path.hasSuffix("/staff") { return ConsolePaths.staff }
        return pages.map(\.href).first { path == $0 || path.hasPrefix($0 + "/") }
    }
}

extension Principal {
    /// Whether any of the caller's roles grants `action` at some scope (where is decided by the
    /// service the page calls).
    func mayEver(_ action: Action) -> Bool {
        grants.contains { AccessPolicy.scope(of: $0.role, for: action) != nil }
    }
}
