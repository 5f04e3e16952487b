import CareFlowCore
import Foundation

/// Which files of the data folder (`CAREFLOW_DATA_DIR`) a backup carries: blobs, console
/// messages, models, the JWT signing keys — everything but the database (copied through its
/// own API), the master key, and the hidden leftovers of earlier restores.
enum DataFolderMembers {
    static let databaseFiles: Set<String> = ["careflow.sqlite", "careflow.sqlite-wal", "careflow.sqlite-shm", "careflow.sqlite-journal"]
    /// The demo master key's place (MasterKeys.loadOrCreateDemo): never archived.
    static let masterKeyPath = "keys/master.key"

    static func isArchived(_ relativePath: String) -> Bool {
        guard let first = relativePath.split(separator: "/").first else { return false }
        return !first.hasPrefix(".") && !databaseFiles.contains(relativePath) && relativePath != masterKeyPath
    }

    /// Regular files under `root` to archive, as (file, path relative to root), sorted.
    /// Symbolic links are not followed: a link out of the folder is not the folder's data.
    static func list(root: String) throws -> [(url: URL, path: String)] {
        let base = URL(fileURLWithPath: root).standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey]) else {
            return []
        }
        var files: [(URL, String)] = []
        let prefix = base.path.hasSuffix("/") ? base.path : base.path + "/"
        for case let url as URL in walker {
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey])
            guard values.isRegularFile == true, values.isSymbolicLink != true else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(prefix) else { continue }
            let relative = String(path.dropFirst(prefix.count))
            if isArchived(relative) { files.append((url, relative)) }
        }
        return files.sorted { $0.1 < $1.1 }
    }

    /// Whether `path` lies inside `folder` (both resolved).
    static func contains(folder: String, path: String) -> Bool {
        let folder = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath().path
        let target = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        return target == folder || target.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }
}
