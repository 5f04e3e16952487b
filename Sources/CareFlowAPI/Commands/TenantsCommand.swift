import CareFlowCore
import Fluent
import Vapor

/// `careflow tenants onboard|list|suspend`
struct TenantsCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["onboard": Onboard(), "list": List(), "suspend": Suspend(), "reload": Reload()]
    var help: String { "Onboard, list, suspend tenants; reload their files in a running server" }

    /// Validates `tenants/` (every file, every adapter and secret) and asks the running server
    /// to reload it with SIGHUP; nothing is signalled when a file is invalid.
    struct Reload: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Validate tenants/ and make the running server (careflow.pid) reload it" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            try await app.services.integrations.reload()
            context.console.print("\(app.services.tenants.all.count) tenant files valid")
            guard let pid = RunningServer.signalReload(dataDirectory: app.services.configuration.dataDirectory) else {
                context.console.print("no running server found; it will read the files when it starts")
                return
            }
            context.console.print("server \(pid) asked to reload")
        }
    }

    struct Onboard: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "slug") var slug: String?
            @Option(name: "name") var name: String?
            @Option(name: "admin-email") var adminEmail: String?
            @Option(name: "admin-password", help: "Without it the group admin is emailed an invitation")
            var adminPassword: String?
        }

        var help: String { "Onboard a hospital group" }

        func run(using context: CommandContext, signature: Signature) async throws {
            guard let slug = signature.slug, let name = signature.name, let email = signature.adminEmail?.lowercased() else {
                throw CLIError("--slug, --name and --admin-email are required")
            }
            let result = try await context.application.services.onboarding.onboard(
                slug: slug, name: name, adminEmail: email, adminPassword: signature.adminPassword, actor: .system, origin: .none)
            context.console.print("tenant \(slug) onboarded (\(result.tenant.id!.lowercasedString)), \(result.facilities.count) facilities")
            context.console.print(result.invitationSent ? "invitation emailed to \(email)" : "group admin \(email) is active")
        }
    }

    struct List: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "List tenants" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let tenants = try await Tenant.query(on: context.application.db).sort(\.$slug).all()
            for t in tenants {
                context.console.print("\(t.slug)\t\(t.status.rawValue)\t\(t.id!.lowercasedString)\t\(t.name)")
            }
        }
    }

    struct Suspend: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "slug") var slug: String
        }

        var help: String { "Suspend a tenant (ends its sessions)" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let tenant = try await context.application.services.onboarding.suspend(slug: signature.slug, actor: .system, origin: .none)
            context.console.print("tenant \(tenant.slug) suspended")
        }
    }
}
