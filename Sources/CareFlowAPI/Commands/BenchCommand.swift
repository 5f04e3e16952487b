import CareFlowCore
import Vapor

/// `careflow bench crypto | totp`: in-process micro-benchmarks printed for `benchmarks/*.sh`.
struct BenchCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["crypto": Crypto(), "totp": TOTPBench(), "seed-patients": SeedPatients(), "seed-schedule": SeedSchedule(),
                                                 "stripe-events": BenchStripeEvents(), "outbox": BenchOutbox(),
                                                 "audit-append": BenchAuditAppend()]
    var help: String { "Micro-benchmarks (run a release build)" }

    struct Crypto: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "iterations") var iterations: Int?
        }
        var help: String { "Fernet encrypt/decrypt of a 1 KiB field per second" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let result = CryptoBenchmark.fernet(iterations: signature.iterations ?? 200_000)
            context.console.print(String(format: "swift fernet encrypt_per_s=%.0f decrypt_per_s=%.0f", result.encryptPerSecond, result.decryptPerSecond))
        }
    }

    struct TOTPBench: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "iterations") var iterations: Int?
        }
        var help: String { "TOTP verifications per second" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let rate = TOTPBenchmark.verificationsPerSecond(iterations: signature.iterations ?? 200_000)
            context.console.print(String(format: "swift totp verifications_per_s=%.0f", rate))
        }
    }
}
