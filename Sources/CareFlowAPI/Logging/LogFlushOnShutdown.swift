import Vapor

/// Writes out the log lines still queued for the application's logger when the application shuts
/// down, so the last requests' access lines are not lost with the process. Registered first, it
/// runs after every other shutdown handler (they run in reverse order) and so also covers what
/// they log. The wait (bounded by `LogSink.flush`) happens on a thread of its own: a stalled log
/// destination must not hold a thread of the cooperative pool for seconds.
struct LogFlushOnShutdown: LifecycleHandler {
    func shutdownAsync(_ app: Application) async {
        guard let sink = (app.logger.handler as? JSONLogHandler)?.sink ?? (app.logger.handler as? TextLogHandler)?.sink else { return }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                sink.flush()
                done.resume()
            }.start()
        }
    }
}
