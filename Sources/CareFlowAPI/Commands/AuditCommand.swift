import CareFlowCore
import Vapor

/// `careflow audit verify`: exit status 1 and the first broken link when the trail was altered.
struct AuditCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["verify": Verify()]
    var help: String { "Audit trail" }

    struct Verify: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Verify every hash chain of the audit trail" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let report = try await AuditChainVerifier().verify(on: context.application.db)
            if report.ok {
                context.console.print("audit trail intact: \(report.events) events in \(report.chains) chains")
                if report.staged > 0 {
                    context.console.print("\(report.staged) events staged and not linked yet: `careflow serve` links them when it starts")
                }
            } else {
                for b in report.breaks { context.console.error("BROKEN \(b)") }
                throw CLIError("audit trail verification failed")
            }
        }
    }
}
