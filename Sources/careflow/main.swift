import CareFlowAPI
import Logging
import Metrics
import Prometheus
import Vapor

// The executable: logging and metrics are process-wide, so they are bootstrapped here once;
// everything else is decided by `configure`.
let env = try Environment.detect()
let level = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"]?.lowercased() ?? "") ?? .info
// Text for a person at a terminal, JSON lines for everything else (`CAREFLOW_LOG_FORMAT` overrides).
let logStyle = LogStyle.forStandardOutput()
switch logStyle.format {
case .json: LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
case .text: LoggingSystem.bootstrap { label in TextLogHandler(label: label, level: level, colored: logStyle.colored) }
}
let registry = PrometheusCollectorRegistry()
MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

let app = try await Application.make(env)
if let setting = logStyle.unrecognisedSetting {
    app.logger.warning("CAREFLOW_LOG_FORMAT is neither json nor text; chosen by the output instead",
                       metadata: ["value": .string(setting), "format": .string(logStyle.format.rawValue)])
}
do {
    let command = env.arguments.dropFirst().first
    if let command, Application.standaloneCommands.contains(command) {
        // Backup and restore take the files and database as they are: `configure` would create
        // keys and a database in a folder a restore must find empty.
        app.registerStandaloneCommands()
    } else {
        try await configure(app, metrics: registry)
        app.registerCareFlowCommands()
        if command == nil || command == "serve" {
            try await ServeBootstrap.prepare(app, announcer: StartupAnnouncer(style: logStyle, logger: app.logger))
        } else if command != "migrate" {
            // The embedded database is brought up to date by whichever command touches it first.
            try await ServeBootstrap.migrateEmbedded(app)
        }
    }
    try await app.execute()
} catch {
    app.logger.critical("careflow stopped", metadata: ["error": .string(String(describing: error))])
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
