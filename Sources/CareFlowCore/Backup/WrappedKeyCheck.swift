import Foundation

/// Before a restore replaces anything: the operator's master keys must open the archive's
/// wrapped tenant keys, or the restored data would be ciphertext nobody can read.
public enum WrappedKeyCheck {
    public struct Row: Sendable {
        public var owner: String
        public var purpose: String
        public var version: Int
        public var status: String
        public var wrapped: String

        public init(owner: String, purpose: String, version: Int, status: String, wrapped: String) {
            self.owner = owner
            self.purpose = purpose
            self.version = version
            self.status = status
            self.wrapped = wrapped
        }
    }

    /// Returns how many keys were opened; throws naming the first that is not. Retired keys
    /// protect nothing any more, so they are not required to open.
    public static func verify(_ rows: [Row], master: MasterKeys) throws(BackupError) -> Int {
        var opened = 0
        for row in rows where row.status != WrappedKey.Status.retired.rawValue {
            guard (try? master.wrapper.decrypt(row.wrapped)) != nil else {
                throw .refused("the master key(s) in place do not open the \(row.purpose) key v\(row.version) of \(row.owner): "
                    + "put the master key this backup was made under in CAREFLOW_MASTER_KEYS (or keys/master.key in the data folder); nothing was changed")
            }
            opened += 1
        }
        return opened
    }
}
