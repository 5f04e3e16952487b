import CareFlowCore
import Vapor

/// `careflow backup --to FILE` (encrypted under CAREFLOW_BACKUP_KEY_FILE) and
/// `careflow backup --generate-key FILE`.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "to", help: "Where to write the encrypted archive (outside the data folder)")
        var to: String?
        @Option(name: "generate-key", help: "Write a new backup key to this file (mode 0600) and stop")
        var generateKey: String?
    }

    var help: String { "Back up the database, documents and key files into one encrypted archive" }

    func run(using context: CommandContext, signature: Signature) async throws {
        if let path = signature.generateKey {
            try BackupKey.generate(at: path)
            context.console.print("backup key written to \(path): keep it apart from the master key and the archives")
            return
        }
        guard let to = signature.to else { throw CLIError("give --to FILE (or --generate-key FILE)") }
        let config = AppConfiguration.fromEnvironment()
        let keyFile = try config.requireBackupKeyFile()
        let run = BackupRun(config: config, key: try BackupKey.load(path: keyFile), keyFile: keyFile,
                            database: try BackupDatabase.open(context.application, config: config),
                            say: { [console = context.console] in console.print($0) })
        _ = try await run.run(to: URL(fileURLWithPath: to))
    }
}

/// `careflow restore --from FILE [--force]`.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "from", help: "The encrypted archive made by `careflow backup`")
        var from: String?
        @Flag(name: "force", help: "Replace a target that already holds data (kept aside in .pre-restore-<stamp>/)")
        var force: Bool
    }

    var help: String { "Restore an archive made by `careflow backup` (stop the servers and workers first)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let from = signature.from else { throw CLIError("give --from FILE") }
        let config = AppConfiguration.fromEnvironment()
        let keyFile = try config.requireBackupKeyFile()
        let run = RestoreRun(config: config, key: try BackupKey.load(path: keyFile), master: try config.existingMasterKeys(),
                             force: signature.force, database: try BackupDatabase.open(context.application, config: config),
                             say: { [console = context.console] in console.print($0) })
        _ = try await run.run(from: URL(fileURLWithPath: from))
        context.console.print("done: start CareFlow, then run `careflow audit verify`")
    }
}

extension Application {
    /// The commands that work on the data folder and database as they are, without `configure`
    /// (which would create keys and a database in a folder a restore must find empty).
    public static let standaloneCommands: Set<String> = ["backup", "restore"]

    public func registerStandaloneCommands() {
        asyncCommands.use(BackupCommand(), as: "backup")
        asyncCommands.use(RestoreCommand(), as: "restore")
    }
}
