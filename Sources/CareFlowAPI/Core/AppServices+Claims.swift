import CareFlowCore

extension AppServices {
    /// Insurance claims (issue 14). A stateless value over shared services, so it is made here
    /// on use rather than stored: the service list and `configure` stay untouched for a part
    /// that several branches merge at once.
    var claims: ClaimService { ClaimService(guardian: guardian, audit: audit, keyring: keyring) }
}
