import Vapor

/// Writes out every queued log line when the application shuts down, so the last requests'
/// access lines are not lost with the process. Registered first, it runs after every other
/// shutdown handler (they run in reverse order) and so also covers what they log.
struct LogFlushOnShutdown: LifecycleHandler {
    func shutdownAsync(_ app: Application) async {
        LogSink.flushAll()
    }
}
