import CareFlowCore
import Vapor

/// `careflow keys rotate-signing`
struct KeysCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["rotate-signing": RotateSigning()]
    var help: String { "Key management" }

    struct RotateSigning: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Make a new JWT signing key current; the old one verifies until its tokens expire" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            let (fresh, retired) = try app.services.signingKeys.rotate()
            try await app.services.audit.append(
                AuditRecord(tenantID: nil, actor: .system, action: "keys.rotate_signing", targetType: "signing_key",
                            targetID: fresh.kid, details: ["retired": retired.joined(separator: ",")]),
                origin: .none, on: app.db)
            context.console.print("new signing key \(fresh.kid); retired: \(retired.joined(separator: ", "))")
            context.console.print("running servers pick it up on restart; retired keys stay in the JWKS until their tokens expire")
        }
    }
}
