import CareFlowCore
import Foundation

extension AppConfiguration {
    /// `CAREFLOW_BACKUP_KEY_FILE`: the operator's backup key (BackupKey), required by
    /// `careflow backup` and `careflow restore`.
    func requireBackupKeyFile(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        guard let path = env["CAREFLOW_BACKUP_KEY_FILE"].nonEmpty else {
            throw BackupError.refused("set CAREFLOW_BACKUP_KEY_FILE to the backup key file (make one with `careflow backup --generate-key FILE`)")
        }
        return path
    }

    /// The master keys as `serve` would use them, without creating the demo key: a restore
    /// needs the operator's key in place (CAREFLOW_MASTER_KEYS, or keys/master.key in the data folder).
    func existingMasterKeys() throws -> MasterKeys {
        if let value = masterKeys { return try MasterKeys.parse(value) }
        let path = (keysDirectory as NSString).appendingPathComponent("master.key")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BackupError.refused("no master key: set CAREFLOW_MASTER_KEYS or put the master key in \(path); nothing was changed")
        }
        return try MasterKeys.parse(text)
    }
}
