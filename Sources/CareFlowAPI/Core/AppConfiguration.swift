import Foundation
import CareFlowCore
import Vapor

/// Everything CareFlow reads from its environment, read in one place (the composition root).
public struct AppConfiguration: Sendable {
    public enum DatabaseKind: Sendable, Equatable {
        case sqlite(path: String)
        /// `searchPath` isolates test runs in their own schema; nil in production.
        case postgres(url: String, searchPath: String? = nil)
    }

    var dataDirectory: String
    var tenantsDirectory: String
    var database: DatabaseKind
    /// `DATABASE_MIGRATION_URL` (PostgreSQL): the role that owns the tables and runs the
    /// migrations, when `DATABASE_URL` is a role that may only read and write rows (row-level
    /// security then holds for the application). Unset: the one role does both.
    var databaseMigrationURL: String? = nil
    var publicURL: String
    var bcryptCost: Int
    var maxBodySize: String
    /// Base64url Ed25519 private key given by the environment instead of the generated key file.
    var signingKeyFromEnvironment: String?
    /// `CAREFLOW_MASTER_KEYS`: Fernet keys, comma-separated, first = current. Unset: a demo
    /// key is generated into the data folder (with a warning).
    var masterKeys: String? = nil
    var logLevel: Logger.Level
    var jsonLogs: Bool
    /// Reverse proxies (addresses and CIDR networks) whose `X-Forwarded-For` is believed
    /// (audit IPs, throttling); an invalid entry stops start-up.
    var trustedProxies = TrustedProxies()
    /// Requests per minute per client address on `/api/v1/auth/*`.
    var authRequestsPerMinute: Int = 60
    var throttle = ThrottlePolicy()
    /// Largest document upload (`CAREFLOW_MAX_DOCUMENT_SIZE`, e.g. `10mb`); its own limit, since
    /// the upload route streams instead of collecting the body.
    var maxDocumentSize: String = "10mb"
    /// PostgreSQL connections per event loop (`CAREFLOW_DB_POOL_SIZE`); default from the cores.
    var databasePoolSize: Int = AppConfiguration.defaultDatabasePoolSize()
    /// The environment `env:` secret references of tenant files resolve against.
    var secretEnvironment: [String: String] = [:]
    /// `CAREFLOW_SECRETS_DIR` (default `/run/secrets`): the only place `file:` secrets are read.
    var secretsDirectory: String = "/run/secrets"
    /// `CAREFLOW_SECRET_ENV_PREFIXES`: when set, `env:` names must start with one of them.
    var secretEnvironmentPrefixes: [String] = []
    /// `CAREFLOW_ALLOW_LOOPBACK_ADAPTERS=1`: adapters may call loopback addresses (local fakes).
    var allowLoopbackAdapters = false
    /// `CAREFLOW_WORKER`: `inprocess` (default) delivers the outbox inside `serve`; `off` leaves
    /// it to `careflow worker` processes.
    var inProcessWorker = true
    var outboxPolicy = OutboxPolicy()
    /// What the reminder scheduler's loop and the SMS replies (`DONE` is for "today") read the
    /// time from: the system clock, or a test's.
    var reminderClock: any WallClock = SystemWallClock()
    /// `CAREFLOW_MODELS_DIR` (default `./Models`): the shipped trained models, copied into
    /// `$CAREFLOW_DATA_DIR/models/` on first start.
    var shippedModelsDirectory: String = "./Models"
    /// `CAREFLOW_RESOURCES_DIR` (default `./Resources`): the console's templates (`Views/`) and
    /// its stylesheet (`Console/`), read from the source tree or the image's copy of it.
    var resourcesDirectory: String = "./Resources"
    /// `CAREFLOW_DATASETS_DIR` (default `./Resources/datasets`): what `careflow model train` reads.
    var datasetsDirectory: String = "./Resources/datasets"
    /// `CAREFLOW_PREDICT_RATE_LIMIT`: prediction requests per minute per user.
    var predictionRequestsPerMinute: Int = 600
    /// How long a live session is remembered between database checks: the most another
    /// replica's revocation or suspension can take to reach this one. 0 turns it off.
    var sessionLivenessTTL: TimeInterval = 1
    /// `CAREFLOW_METRICS_TOKEN`: the bearer token `GET /metrics` requires; unset, /metrics is 404.
    var metricsToken: String? = nil
    /// Per-source limits on unverifiable webhooks (audited one by one, then summarised, then 429).
    var webhookRejections = WebhookRejectionPolicy()
    /// `CAREFLOW_IDEMPOTENCY_TTL` (seconds, or `90s`/`30m`/`24h`/`7d`; default 24 h): how long
    /// a stored `Idempotency-Key` answer is replayed before it is purged.
    var idempotencyTTL: TimeInterval = 86_400
    /// `CAREFLOW_AUDIT_WRITE_LIMIT` (seconds, or `90s`/`2m`; default 25 s): how long one write may
    /// hold a tenant's audit chain before its waiters get 503 and the chain moves on
    /// (`AuditChainHold`: a statement PostgreSQL never answers must not wedge the tenant).
    var auditWriteLimit: TimeInterval = 25
    /// `CAREFLOW_READY_TIMEOUT` (seconds; default 2): how long `/ready` and the `/metrics`
    /// database probe wait for a pooled connection and `SELECT 1` before reporting the database down.
    var readyTimeout: TimeInterval = 2

    /// PostgreSQL connections per event loop when `CAREFLOW_DB_POOL_SIZE` is unset: `2 × cores + 1`
    /// connections in all (PostgreSQL's usual starting point: busy backends beyond about twice
    /// the cores only queue for CPU and disk), spread over the event loops (one per core), at
    /// least 2 per loop so one slow transaction does not hold up its loop's requests. Webhooks
    /// batch their writes (`WebhookLedger`), so they do not need more.
    static func defaultDatabasePoolSize(cores: Int = System.coreCount) -> Int {
        let cores = max(1, cores)
        return max(2, (2 * cores + 1 + cores - 1) / cores)
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> AppConfiguration {
        let dataDir = env["CAREFLOW_DATA_DIR"].nonEmpty ?? "./data"
        let database: DatabaseKind = if let url = env["DATABASE_URL"].nonEmpty {
            // `CAREFLOW_DATABASE_SCHEMA`: run inside one schema of a shared database.
            .postgres(url: url, searchPath: env["CAREFLOW_DATABASE_SCHEMA"].nonEmpty)
        } else {
            .sqlite(path: (dataDir as NSString).appendingPathComponent("careflow.sqlite"))
        }
        return AppConfiguration(
            dataDirectory: dataDir,
            tenantsDirectory: env["CAREFLOW_TENANTS_DIR"].nonEmpty ?? "./tenants",
            database: database,
            databaseMigrationURL: env["DATABASE_URL"].nonEmpty == nil ? nil : env["DATABASE_MIGRATION_URL"].nonEmpty,
            publicURL: (env["CAREFLOW_PUBLIC_URL"].nonEmpty ?? "http://127.0.0.1:8080").trimmingCharacters(in: CharacterSet(charactersIn: "/")),
            // 12 in production; tests lower it (never below bcrypt's minimum of 4).
            bcryptCost: max(4, Int(env["CAREFLOW_BCRYPT_COST"] ?? "") ?? 12),
            maxBodySize: env["CAREFLOW_MAX_BODY_SIZE"].nonEmpty ?? "1mb",
            signingKeyFromEnvironment: env["CAREFLOW_JWT_SIGNING_KEY"].nonEmpty,
            masterKeys: env["CAREFLOW_MASTER_KEYS"].nonEmpty,
            logLevel: Logger.Level(rawValue: env["LOG_LEVEL"]?.lowercased() ?? "") ?? .info,
            jsonLogs: env["CAREFLOW_LOG_FORMAT"] != "text",
            trustedProxies: TrustedProxies(env["CAREFLOW_TRUSTED_PROXIES"] ?? ""),
            authRequestsPerMinute: Int(env["CAREFLOW_AUTH_RATE_LIMIT"] ?? "") ?? 60,
            maxDocumentSize: env["CAREFLOW_MAX_DOCUMENT_SIZE"].nonEmpty ?? "10mb",
            databasePoolSize: min(64, max(1, Int(env["CAREFLOW_DB_POOL_SIZE"] ?? "") ?? defaultDatabasePoolSize())),
            secretEnvironment: env,
            secretsDirectory: env["CAREFLOW_SECRETS_DIR"].nonEmpty ?? "/run/secrets",
            secretEnvironmentPrefixes: (env["CAREFLOW_SECRET_ENV_PREFIXES"] ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            allowLoopbackAdapters: ["1", "true", "yes"].contains(env["CAREFLOW_ALLOW_LOOPBACK_ADAPTERS"]?.lowercased() ?? ""),
            inProcessWorker: env["CAREFLOW_WORKER"] != "off",
            shippedModelsDirectory: env["CAREFLOW_MODELS_DIR"].nonEmpty ?? "./Models",
            resourcesDirectory: env["CAREFLOW_RESOURCES_DIR"].nonEmpty ?? "./Resources",
            datasetsDirectory: env["CAREFLOW_DATASETS_DIR"].nonEmpty ?? "./Resources/datasets",
            predictionRequestsPerMinute: max(1, Int(env["CAREFLOW_PREDICT_RATE_LIMIT"] ?? "") ?? 600),
            metricsToken: env["CAREFLOW_METRICS_TOKEN"].nonEmpty,
            idempotencyTTL: max(1, seconds(env["CAREFLOW_IDEMPOTENCY_TTL"]) ?? 86_400),
            auditWriteLimit: max(1, seconds(env["CAREFLOW_AUDIT_WRITE_LIMIT"]) ?? 25),
            readyTimeout: max(0.1, seconds(env["CAREFLOW_READY_TIMEOUT"]) ?? 2)
        )
    }

    /// What tenant files may reference; the data folder (keys, database) is always off limits.
    var tenantSecretPolicy: TenantSecretPolicy {
        TenantSecretPolicy(secretsDirectory: secretsDirectory, forbiddenDirectories: [dataDirectory],
                           allowedEnvironmentPrefixes: secretEnvironmentPrefixes, allowLoopbackAdapters: allowLoopbackAdapters)
    }

    var keysDirectory: String { (dataDirectory as NSString).appendingPathComponent("keys") }
    var consoleDirectory: String { (dataDirectory as NSString).appendingPathComponent("console") }
    /// Encrypted document contents, `blobs/<tenant-id>/<document-id>.cfe`.
    var blobsDirectory: String { (dataDirectory as NSString).appendingPathComponent("blobs") }
    /// Trained model versions and `active.json`.
    var modelsDirectory: String { (dataDirectory as NSString).appendingPathComponent("models") }
    var isEmbedded: Bool { if case .sqlite = database { true } else { false } }
}

extension Optional where Wrapped == String {
    var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}
