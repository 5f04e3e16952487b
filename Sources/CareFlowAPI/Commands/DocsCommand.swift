import CareFlowCore
import Vapor

/// `careflow docs rbac-table`: prints the policy table as the README shows it.
struct DocsCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["rbac-table": RBACTable()]
    var help: String { "Generated documentation" }

    struct RBACTable: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Print the RBAC policy table in Markdown" }

        func run(using context: CommandContext, signature: Signature) async throws {
            context.console.output(AccessPolicy.markdownTable().consoleText())
        }
    }
}
