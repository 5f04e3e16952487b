import CareFlowAPI
import Logging
import Metrics
import Prometheus
import Vapor

// The executable: logging and metrics are process-wide, so they are bootstrapped here once;
// everything else is decided by `configure`.
var env = try Environment.detect()
let level = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"]?.lowercased() ?? "") ?? .info
if ProcessInfo.processInfo.environment["CAREFLOW_LOG_FORMAT"] == "text" {
    try LoggingSystem.bootstrap(from: &env)
} else {
    LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
}
let registry = PrometheusCollectorRegistry()
MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

let app = try await Application.make(env)
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
            try await ServeBootstrap.prepare(app)
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
