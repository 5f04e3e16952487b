import Foundation

/// Why a backup or a restore stopped. Messages name files and tables, never data.
public enum BackupError: Error, Sendable, Equatable, CustomStringConvertible {
    case badKey(String)
    /// The archive is not a CareFlow backup, was altered, or is not for this key.
    case badArchive(String)
    /// The environment does not allow the operation (missing tool, non-empty target, …).
    case refused(String)
    /// A step failed after checks passed (a tool's exit status, an I/O error).
    case failed(String)

    public var description: String {
        switch self {
        case .badKey(let m): "backup key: \(m)"
        case .badArchive(let m): "backup archive refused: \(m)"
        case .refused(let m): "refused: \(m)"
        case .failed(let m): "failed: \(m)"
        }
    }
}
