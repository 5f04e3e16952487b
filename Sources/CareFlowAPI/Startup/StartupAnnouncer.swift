import Foundation
import Logging

/// What a starting `careflow serve` shows. A person at a terminal (`LogStyle.interactive`) sees
/// one migration progress line redrawn in place, `Database ready (…)`, then the banner; a log
/// shipper gets events instead: `database.migrated` and `server.started`, with the same facts.
///
/// Terminal text goes through the log sink, so it keeps its place among the log lines.
public struct StartupAnnouncer: Sendable {
    let style: LogStyle
    let logger: Logger
    let sink: LogSink

    public init(style: LogStyle, logger: Logger, sink: LogSink = .standardOutput) {
        self.style = style
        self.logger = logger
        self.sink = sink
    }

    /// Says nothing beyond log events: for the commands other than `serve`, whose standard output
    /// is their result.
    static func quiet(logger: Logger) -> StartupAnnouncer {
        StartupAnnouncer(style: LogStyle(format: .json, interactive: false, colored: false), logger: logger)
    }

    func migrationProgress(done: Int, of total: Int) {
        guard style.interactive else { return }
        sink.writeStatus(Self.progressText(done: done, of: total))
    }

    func migrationFinished(_ outcome: DatabaseMigration.Outcome) {
        guard outcome.applied > 0 else { return }
        if style.interactive {
            sink.writeText(Self.readyText(outcome) + "\n")
        } else {
            logger.info("database.migrated", metadata: [
                "migrations": .stringConvertible(outcome.applied),
                "duration_ms": .stringConvertible(AccessLogMiddleware.Milliseconds(outcome.duration)),
            ])
        }
    }

    func serverStarted(_ banner: StartupBanner) {
        if style.interactive {
            sink.writeText(banner.text(colored: style.colored))
        } else {
            logger.notice("server.started", metadata: banner.metadata)
        }
    }

    static func progressText(done: Int, of total: Int) -> String {
        "Migrating database… \(done)/\(total)"
    }

    /// `Database ready (45 migrations, 1.2 s)`.
    static func readyText(_ outcome: DatabaseMigration.Outcome) -> String {
        let (seconds, attoseconds) = outcome.duration.components
        let tenths = seconds * 10 + (attoseconds + 50_000_000_000_000_000) / 100_000_000_000_000_000
        let noun = outcome.applied == 1 ? "migration" : "migrations"
        return "Database ready (\(outcome.applied) \(noun), \(tenths / 10).\(tenths % 10) s)"
    }
}
