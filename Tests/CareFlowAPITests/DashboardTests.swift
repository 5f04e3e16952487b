@testable import CareFlowAPI
import CareFlowCore
import Foundation
import Metrics
import Prometheus
import Testing
import VaporTesting

/// Issue 16: the Grafana dashboard in `infra/grafana` only charts metrics a running CareFlow
/// exposes, and Prometheus scrapes the path they are served on. The expectations come from the
/// dashboard and the Prometheus file; the app only has to answer them.
@Suite("Grafana dashboard and Prometheus scrape")
struct DashboardTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Series Prometheus writes itself for every target: `up` is not the application's.
    static let writtenByPrometheus: Set<String> = ["up"]

    @Test("every metric of every panel's expression (and of the variables) is in /metrics after some traffic",
          arguments: TestBackend.enabled)
    func panelsUseExposedMetrics(backend: TestBackend) async throws {
        let dashboard = try Self.dashboard()
        let queries = Self.panelExpressions(dashboard) + Self.variableQueries(dashboard)
        let used = queries.reduce(into: Set<String>()) { $0.formUnion(Self.metricNames(in: $1)) }
        // The issue asks for request, database-pool, outbox-lag and audit-batch panels.
        for family in ["http_request", "careflow_database_", "careflow_outbox_", "careflow_audit_batch_"] {
            #expect(used.contains { $0.hasPrefix(family) }, "no panel charts \(family)*")
        }
        try await withCareFlow(backend, configure: OperationalMetricsTests.withToken, metrics: ProcessMetrics.registry) { app in
            let t = try await Fixtures.tenant(app, slug: "dash")
            let patient = try await Fixtures.patient(app, t)
            #expect(try await app.send(.GET, "/api/v1/patients/\(patient)", token: t[.doctor].token).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/patients/\(UUID())", token: t[.doctor].token).status == .notFound)
            #expect(try await app.send(.GET, "/ready").status == .ok)
            let exposed = try await OperationsFixtures.scrape(app).names
            let missing = used.subtracting(Self.writtenByPrometheus).subtracting(exposed)
            #expect(missing.isEmpty, "charted but not exposed: \(missing.sorted())")
        }
    }

    @Test("the PromQL metric extraction finds names and skips functions, labels, grouping and durations")
    func extraction() {
        let expr = #"histogram_quantile(0.99, sum by (le, method) (rate(http_request_duration_seconds_bucket{job="careflow-gateway", path=~"$path"}[$__rate_interval]))) / on (path) clamp_min(sum(up{job="x"}) or vector(0), 1e-9)"#
        #expect(Self.metricNames(in: expr) == ["http_request_duration_seconds_bucket", "up"])
        #expect(Self.metricNames(in: #"label_values(http_requests_total{job="careflow-gateway"}, path)"#) == ["http_requests_total"])
    }

    @Test("Prometheus scrapes every gateway on the path the app serves its metrics on, with the bearer token")
    func prometheusScrapesTheMetricsPath() async throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("infra/prometheus/prometheus.yml"), encoding: .utf8)
        let job = try #require(Self.scrapeJob("careflow-gateway", in: text))
        let path = try #require(Self.setting("metrics_path", in: job))
        #expect(Self.setting("type", in: job) == "Bearer")
        #expect(Self.setting("credentials_file", in: job) != nil)
        try await withCareFlow(.sqlite, configure: OperationalMetricsTests.withToken) { app in
            let res = try await app.send(.GET, path, token: OperationsFixtures.metricsToken)
            #expect(res.status == .ok)
            // The text exposition format Prometheus parses.
            #expect(res.headers.first(name: .contentType)?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(res.text.contains("# TYPE careflow_database_up gauge"))
            #expect(try await app.send(.GET, path).status == .unauthorized)
        }
    }

    // MARK: - Reading the dashboard

    static func dashboard() throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent("infra/grafana/dashboards/careflow.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Every `expr` of every panel, rows' nested panels included.
    static func panelExpressions(_ dashboard: [String: Any]) -> [String] {
        func walk(_ panels: [[String: Any]]) -> [String] {
            panels.flatMap { panel in
                let own = (panel["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String }
                return own + walk(panel["panels"] as? [[String: Any]] ?? [])
            }
        }
        return walk(dashboard["panels"] as? [[String: Any]] ?? [])
    }

    static func variableQueries(_ dashboard: [String: Any]) -> [String] {
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        return variables.compactMap { ($0["query"] as? [String: Any])?["query"] as? String ?? $0["query"] as? String }
    }

    /// The metric names a PromQL expression reads: what is left once strings, label matchers,
    /// durations, grouping clauses, function calls, keywords and numbers are taken out.
    static func metricNames(in expr: String) -> Set<String> {
        var s = expr
        if s.hasPrefix("label_values("), let comma = s.lastIndex(of: ",") {
            s = String(s[s.index(s.startIndex, offsetBy: "label_values(".count)..<comma])
        }
        for pattern in [#""(?:[^"\\]|\\.)*""#, #"\{[^}]*\}"#, #"\[[^\]]*\]"#,
                        #"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)"#] {
            s = s.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        let keywords: Set<String> = ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan"]
        let identifier = try! NSRegularExpression(pattern: #"(?<![\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*"#)
        var names: Set<String> = []
        for match in identifier.matches(in: s, range: NSRange(s.startIndex..., in: s)) {
            guard let range = Range(match.range, in: s) else { continue }
            // A name followed by "(" is a function call.
            if s[range.upperBound...].first(where: { !$0.isWhitespace }) == "(" { continue }
            let name = String(s[range])
            if !keywords.contains(name.lowercased()) { names.insert(name) }
        }
        return names
    }

    // MARK: - Reading prometheus.yml (only the lines this test needs)

    /// The lines of one `- job_name:` entry.
    static func scrapeJob(_ name: String, in yaml: String) -> [Substring]? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "- job_name: \(name)" }) else { return nil }
        let rest = lines[(start + 1)...]
        let end = rest.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- job_name:") } ?? lines.endIndex
        return Array(lines[start..<end])
    }

    static func setting(_ key: String, in lines: [Substring]) -> String? {
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(key + ":") {
                return trimmed.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}

/// The process-wide metrics factory of this test process, bootstrapped once as `careflow`'s
/// main does: Vapor records `http_requests_total` through it, never through an app's own registry.
enum ProcessMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
