import CareFlowCore
import Fluent
import Vapor

/// `careflow keys rotate-signing | rotate --master | rotate --tenant SLUG | reseal-patients --tenant SLUG`
struct KeysCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["rotate-signing": RotateSigning(), "rotate": Rotate(),
                                                   "reseal-patients": ResealPatients()]
    var help: String { "Key management" }

    struct RotateSigning: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Make a new JWT signing key current; the old one verifies until its tokens expire" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            let (fresh, retired) = try app.services.signingKeys.rotate()
            try await app.services.audit.append(
                AuditRecord(tenantID: nil, actor: .system, action: .keysRotateSigning, targetType: "signing_key",
                            targetID: fresh.kid, details: ["retired": retired.joined(separator: ",")]),
                origin: .none, on: app.db)
            context.console.print("new signing key \(fresh.kid); retired: \(retired.joined(separator: ", "))")
            context.console.print("running servers pick it up on restart; retired keys stay in the JWKS until their tokens expire")
        }
    }
}

/// `careflow keys rotate --master` re-wraps every tenant key under the first key of
/// `CAREFLOW_MASTER_KEYS`; `careflow keys rotate --tenant SLUG` gives a tenant a new data key
/// and re-encrypts its sealed columns in batches (resumable: run it again after a crash).
struct Rotate: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "master", help: "Re-wrap all tenant keys under the current (first) master key")
        var master: Bool
        @Option(name: "tenant", help: "Slug of the tenant whose data key to rotate ('platform' for operator secrets)")
        var tenant: String?
        @Option(name: "batch-size", help: "Rows per transaction (default 500)")
        var batchSize: Int?
        @Flag(name: "no-wait", help: "Do not wait for running servers' key caches (only when no server runs)")
        var noWait: Bool
    }

    var help: String { "Rotate the master key or a tenant's data key" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let service = KeyRotationService(db: app.db, keyring: app.services.keyring, audit: app.services.audit)
        let bar = ProgressPrinter(console: context.console)
        if signature.master {
            let n = try await service.rewrapUnderCurrentMaster { bar.show($0) }
            bar.finish()
            context.console.print("re-wrapped \(n) keys under the current master key; older master keys can now be removed")
            return
        }
        guard let slug = signature.tenant else { throw CLIError("give --master or --tenant SLUG") }
        let owner: String
        if slug == "platform" {
            owner = "platform"
        } else {
            guard let tenant = try await Tenant.find(slug: slug, on: app.db) else { throw CLIError("no tenant \(slug)") }
            owner = WrappedKey.owner(for: tenant.id)
        }
        // Running servers cache keys for this long; wait it out before verifying.
        let report = try await service.rotateDataKey(owner: owner, batchSize: signature.batchSize ?? 500,
                                                     pause: signature.noWait ? .zero : app.services.keyring.cacheLifetime) { bar.show($0) }
        bar.finish()
        context.console.print("\(report.resumed ? "resumed" : "started") rotation to data key v\(report.newVersion): "
            + "\(report.reencrypted) values re-encrypted, \(report.alreadyRotated) already rotated, "
            + "\(report.verified) verified under the new key in \(report.passes) pass(es); the old key is retired")
    }
}

/// `careflow keys reseal-patients --tenant SLUG`: moves the values of each patient still sealed
/// under the tenant key onto the patient's own key, so an erasure shreds them (issue 16).
/// Resumable; values already moved are skipped.
struct ResealPatients: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "tenant", help: "Slug of the tenant whose patients to move onto their own keys")
        var tenant: String?
    }

    var help: String { "Give every patient their own data key and re-seal their older values under it" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let slug = signature.tenant else { throw CLIError("give --tenant SLUG") }
        guard let tenant = try await Tenant.find(slug: slug, on: app.db) else { throw CLIError("no tenant \(slug)") }
        let bar = ProgressPrinter(console: context.console)
        let report = try await PatientResealService(db: app.db, keyring: app.services.keyring)
            .reseal(tenantID: tenant.id!) { bar.show(label: "patients", done: $0, total: $1) }
        bar.finish()
        context.console.print("\(report.patients) patients on their own keys; \(report.resealed) values re-sealed")
    }
}

/// A one-line progress bar on the terminal.
final class ProgressPrinter: @unchecked Sendable {
    private let console: any Console
    private var lastLine = ""

    init(console: any Console) {
        self.console = console
    }

    func show(_ p: KeyRotationService.Progress) {
        show(label: p.table, done: p.done, total: p.total)
    }

    func show(label: String, done: Int, total: Int) {
        let width = 30
        let filled = total == 0 ? width : min(width, done * width / max(total, 1))
        let line = "\(label) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(done)/\(total)"
        guard line != lastLine else { return }
        lastLine = line
        console.output(("\r" + line).consoleText(), newLine: false)
    }

    func finish() {
        if !lastLine.isEmpty { console.output("".consoleText(), newLine: true) }
    }
}
