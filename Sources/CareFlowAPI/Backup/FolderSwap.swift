import CareFlowCore
import Foundation

/// Replaces entries of the live data folder with staged ones by renames (same file system:
/// each is atomic), keeping what was there in an aside folder, and undoes every step on
/// failure. The master key file is never moved.
struct FolderSwap {
    let live: URL
    let aside: URL
    private enum Step {
        case movedAside(live: URL, aside: URL)
        case movedIn(staged: URL, live: URL)
    }
    private var steps: [Step] = []
    private let files = FileManager.default

    init(live: URL, aside: URL) {
        self.live = live
        self.aside = aside
    }

    /// For each name: the live entry goes aside, the one in `source` (if any) takes its place.
    mutating func replace(_ names: [String], with source: URL?, under subfolder: String? = nil) throws {
        let liveFolder = subfolder.map { live.appendingPathComponent($0) } ?? live
        let asideFolder = subfolder.map { aside.appendingPathComponent($0) } ?? aside
        for name in names {
            let current = liveFolder.appendingPathComponent(name)
            if files.fileExists(atPath: current.path) {
                try files.createDirectory(at: asideFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                let kept = asideFolder.appendingPathComponent(name)
                try move(current, kept)
                steps.append(.movedAside(live: current, aside: kept))
            }
            if let staged = source?.appendingPathComponent(name), files.fileExists(atPath: staged.path) {
                try files.createDirectory(at: liveFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                try move(staged, current)
                steps.append(.movedIn(staged: staged, live: current))
            }
        }
    }

    /// The archive's data entries: whole top-level folders (blobs, console, models) replaced,
    /// so a forced restore leaves no stray file of the replaced instance; `keys/` file by file,
    /// so the master key in it stays where the operator put it.
    mutating func replaceDataEntries(from stagedData: URL) throws {
        let staged = (try? files.contentsOfDirectory(atPath: stagedData.path)) ?? []
        let folders = Set(staged + ["blobs", "console", "models"]).subtracting(["keys"]).sorted()
        try replace(folders, with: stagedData)
        let keys = (try? files.contentsOfDirectory(atPath: stagedData.appendingPathComponent("keys").path)) ?? []
        try replace(keys.filter { "keys/" + $0 != DataFolderMembers.masterKeyPath }.sorted(),
                    with: stagedData.appendingPathComponent("keys"), under: "keys")
    }

    /// Undoes every step, newest first.
    mutating func rollBack() {
        for step in steps.reversed() {
            switch step {
            case .movedIn(let staged, let current): try? move(current, staged)
            case .movedAside(let current, let kept): try? move(kept, current)
            }
        }
        steps = []
        // Only if empty: whatever could not be moved back stays there for the operator.
        rmdir(aside.appendingPathComponent("keys").path)
        rmdir(aside.path)
    }

    /// Nothing was there before (an empty target): no aside folder to keep.
    func removeAsideIfEmpty() {
        if !steps.contains(where: { if case .movedAside = $0 { true } else { false } }) {
            try? files.removeItem(at: aside)
        }
    }

    private func move(_ from: URL, _ to: URL) throws {
        guard rename(from.path, to.path) == 0 else {
            throw BackupError.failed("cannot move \(from.path) to \(to.path): \(String(cString: strerror(errno)))")
        }
    }
}
