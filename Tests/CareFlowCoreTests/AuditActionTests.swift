@testable import CareFlowCore
import Testing

@Suite("Audit action names (pure)")
struct AuditActionTests {
    @Test("every name is unique and reads area.verb in lower case, as stored before the names were typed")
    func catalogue() {
        let names = AuditAction.all.map(\.rawValue)
        #expect(Set(names).count == names.count)
        for name in names {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            #expect(parts.count >= 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isLowercase || $0 == "_" } }, "\(name)")
        }
        // Names the contract and existing audit trails rely on keep their spelling.
        for stored in ["auth.login", "phi.read", "access.denied", "appointment.book", "appointment.cancelled", "appointment.no_show",
                       "role.grant", "role.revoke", "webhook.rejected", "tenant.suspend", "mfa.enrolled", "document.upload"] {
            #expect(names.contains(stored), "\(stored)")
        }
    }
}
