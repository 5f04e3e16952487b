import Foundation

/// The `serve` process of this data folder, found through `careflow.pid`.
enum RunningServer {
    /// Sends SIGHUP (reload tenant files and active models); the pid, or nil when no server runs.
    static func signalReload(dataDirectory: String) -> Int32? {
        let pidFile = (dataDirectory as NSString).appendingPathComponent("careflow.pid")
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, 0) == 0,
              kill(pid, SIGHUP) == 0 else { return nil }
        return pid
    }
}
