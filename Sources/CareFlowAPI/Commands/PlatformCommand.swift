import CareFlowCore
import Fluent
import Vapor

/// `careflow platform create-admin --email E --password P`
struct PlatformCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["create-admin": CreateAdmin()]
    var help: String { "Platform operator accounts" }

    struct CreateAdmin: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "email", help: "Operator email")
            var email: String?
            @Option(name: "password", help: "Initial password (min. 12 characters)")
            var password: String?
        }

        var help: String { "Create a platform admin" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            guard let email = signature.email?.lowercased(), let password = signature.password else {
                throw CLIError("--email and --password are required")
            }
            let problems = PasswordPolicy.problems(with: password, email: email)
            guard problems.isEmpty else { throw CLIError("password " + problems.joined(separator: "; ")) }
            if try await PlatformAdmin.query(on: app.db).filter(\.$email == email).first() != nil {
                throw CLIError("a platform admin with this email exists")
            }
            let admin = PlatformAdmin(email: email, passwordHash: try await app.services.hasher.hash(password))
            try await admin.create(on: app.db)
            try await app.services.audit.append(
                AuditRecord(tenantID: nil, actor: .system, action: .platformAdminCreate, targetType: "platform_admin",
                            targetID: admin.id!.lowercasedString),
                origin: .none, on: app.db)
            context.console.print("platform admin \(email) created (\(admin.id!.lowercasedString))")
        }
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
