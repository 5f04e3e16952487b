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
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed (audit IPs, throttling).
    var trustedProxies: Set<String> = []
    /// Requests per minute per client address on `/api/v1/auth/*`.
    var authRequestsPerMinute: Int = 60
    var throttle = ThrottlePolicy()
    /// Largest document upload (`CAREFLOW_MAX_DOCUMENT_SIZE`, e.g. `10mb`); its own limit, since
    /// the upload route streams instead of collecting the body.
    var maxDocumentSize: String = "10mb"
    /// PostgreSQL connections per event loop (`CAREFLOW_DB_POOL_SIZE`).
    var databasePoolSize: Int = 4
    /// The environment `env:` secret references of tenant files resolve against.
    var secretEnvironment: [String: String] = [:]
    /// `CAREFLOW_WORKER`: `inprocess` (default) delivers the outbox inside `serve`; `off` leaves
    /// it to `careflow worker` processes.
    var inProcessWorker = true
    var outboxPolicy = OutboxPolicy()
    /// `CAREFLOW_MODELS_DIR` (default `./Models`): the shipped trained models, copied into
    /// `$CAREFLOW_DATA_DIR/models/` on first start.
    var shippedModelsDirectory: String = "./Models"
    /// `CAREFLOW_DATASETS_DIR` (default `./Resources/datasets`): what `careflow model train` reads.
    var datasetsDirectory: String = "./Resources/datasets"
    /// `CAREFLOW_PREDICT_RATE_LIMIT`: prediction requests per minute per user.
    var predictionRequestsPerMinute: Int = 600
    /// `CAREFLOW_IDEMPOTENCY_TTL` (seconds, or `90s`/`30m`/`24h`/`7d`; default 24 h): how long
    /// a stored `Idempotency-Key` answer is replayed before it is purged.
    var idempotencyTTL: TimeInterval = 86_400

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> AppConfiguration {
        let dataDir = env["CAREFLOW_DATA_DIR"].nonEmpty ?? "./data"
        let database: DatabaseKind = if let url = env["DATABASE_URL"].nonEmpty {
            .postgres(url: url)
        } else {
            .sqlite(path: (dataDir as NSString).appendingPathComponent("careflow.sqlite"))
        }
        return AppConfiguration(
            dataDirectory: dataDir,
            tenantsDirectory: env["CAREFLOW_TENANTS_DIR"].nonEmpty ?? "./tenants",
            database: database,
            publicURL: (env["CAREFLOW_PUBLIC_URL"].nonEmpty ?? "http://127.0.0.1:8080").trimmingCharacters(in: CharacterSet(charactersIn: "/")),
            // 12 in production; tests lower it (never below bcrypt's minimum of 4).
            bcryptCost: max(4, Int(env["CAREFLOW_BCRYPT_COST"] ?? "") ?? 12),
            maxBodySize: env["CAREFLOW_MAX_BODY_SIZE"].nonEmpty ?? "1mb",
            signingKeyFromEnvironment: env["CAREFLOW_JWT_SIGNING_KEY"].nonEmpty,
            masterKeys: env["CAREFLOW_MASTER_KEYS"].nonEmpty,
            logLevel: Logger.Level(rawValue: env["LOG_LEVEL"]?.lowercased() ?? "") ?? .info,
            jsonLogs: env["CAREFLOW_LOG_FORMAT"] != "text",
            trustedProxies: Set((env["CAREFLOW_TRUSTED_PROXIES"] ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }),
            authRequestsPerMinute: Int(env["CAREFLOW_AUTH_RATE_LIMIT"] ?? "") ?? 60,
            maxDocumentSize: env["CAREFLOW_MAX_DOCUMENT_SIZE"].nonEmpty ?? "10mb",
            databasePoolSize: min(64, max(1, Int(env["CAREFLOW_DB_POOL_SIZE"] ?? "") ?? 4)),
            secretEnvironment: env,
            inProcessWorker: env["CAREFLOW_WORKER"] != "off",
            shippedModelsDirectory: env["CAREFLOW_MODELS_DIR"].nonEmpty ?? "./Models",
            datasetsDirectory: env["CAREFLOW_DATASETS_DIR"].nonEmpty ?? "./Resources/datasets",
            predictionRequestsPerMinute: max(1, Int(env["CAREFLOW_PREDICT_RATE_LIMIT"] ?? "") ?? 600),
            idempotencyTTL: max(1, seconds(env["CAREFLOW_IDEMPOTENCY_TTL"]) ?? 86_400)
        )
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
