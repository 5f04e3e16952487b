@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Logging
import SQLKit
import Testing
import VaporTesting

/// Issue 11 item 5: every list query is backed by an index. The services run as a request runs
/// them, on a database handle whose query log is recorded; the recorded list statement is then
/// explained with the same binds. SQLite: no table scanned, the filter columns in an index
/// search, no temporary B-tree for a list's order. PostgreSQL (statistics taken, sequential
/// scans, and for a list's order sorts, priced out, so the question is whether an index *can*
/// serve): no Seq Scan, the filter columns in an Index Cond, no Sort for a list's order.
@Suite("Query plans of the list endpoints")
struct QueryPlanTests {
    /// What a list statement's plan must show.
    struct Expectation {
        /// "table.column" pairs that must be matched through an index.
        let indexed: Set<String>
        /// The ORDER BY comes from the index, not from sorting the matches.
        let orderFromIndex: Bool
        /// Checked on SQLite only. A patient page reads `patients_tenant_order` there; PostgreSQL,
        /// whose statistics say the tenant holds most rows in id order, may walk the primary key
        /// in id order instead and stop after a page: an index walk in list order as well (no
        /// Seq Scan, no Sort), which the other checks still require.
        var sqliteOnly: Set<String> = []
    }

    @Test("patient page (group admin, receptionist, nurse, doctor), MRN and name search, appointments by patient and by doctor use indexes",
          arguments: TestBackend.enabled)
    func listsUseIndexes(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            // Shaped like a growing deployment, so that PostgreSQL's statistics favour what an index
            // serves: the tenant holds a fifth of the patients, the doctor an eighth of its
            // appointments, facility one an eighth of them.
            let t = try await Fixtures.tenant(app, slug: "plans")
            let other = try await Fixtures.tenant(app, slug: "plans-other")
            let loader = PatientBulkLoader(keyring: app.services.keyring, audit: app.services.audit)
            var loaded: [PatientBulkLoader.Loaded] = []
            try await loader.load(count: 1_000, in: TenantScope(tenantID: t.id, db: app.db), origin: .none,
                                  make: { BulkSeedTests.patient($0, homes: [t.f1.id!, t.f2.id!]) }) { loaded += $0 }
            var others: [PatientBulkLoader.Loaded] = []
            try await loader.load(count: 4_000, in: TenantScope(tenantID: other.id, db: app.db), origin: .none,
                                  make: { BulkSeedTests.patient($0, homes: [other.f1.id!, other.f2.id!]) }) { others += $0 }
            let patient = loaded[42]
            try await Self.seedAppointments(app, t, patients: loaded.prefix(400).map(\.id))
            try await Self.seedAppointments(app, other, patients: others.prefix(1_600).map(\.id))
            try await Self.seedAdmissions(app, t, patients: loaded.prefix(400).map(\.id))
            try await Self.seedAdmissions(app, other, patients: others.prefix(1_600).map(\.id))
            if backend == .postgres {
                // This test's tables only (the database holds other tests' schemas), as their owner
                // (PostgreSQL skips, with a warning, tables the application role does not own).
                try await (ownerDatabase(app) as! any SQLDatabase).raw("ANALYZE patients, patient_name_tokens, appointments, care_relationships, admissions").run()
            }

            let recorder = SQLRecorder()
            let recorded = TenantScope(tenantID: t.id, db: recorder.database(app))
            /// The role's caller, with its queries recorded.
            func caller(_ role: Role) async throws -> RequestContext {
                RequestContext(scope: recorded, principal: try await app.services.auth.authenticate(bearer: t[role].token), origin: .none)
            }
            let page = try PageRequest(limit: 20)
            let patients = app.services.patients
            let list = Expectation(indexed: [], orderFromIndex: true, sqliteOnly: ["patients.tenant_id"])
            // A nurse's reach: home facility, appointments and admissions there (`PatientFacilities`).
            let facilityList = Expectation(indexed: ["appointments.facility_id", "admissions.facility_id"], orderFromIndex: true,
                                           sqliteOnly: ["patients.tenant_id"])
            let careTeamList = Expectation(indexed: ["care_relationships.doctor_id", "appointments.doctor_id"], orderFromIndex: true,
                                           sqliteOnly: ["patients.tenant_id"])
            var mrn = PatientQuery()
            mrn.mrn = patient.mrn
            var name = PatientQuery()
            name.name = "\(patient.input.givenName) \(patient.input.familyName)"
            let cases: [(String, String, Expectation, () async throws -> Void)] = [
                ("patient page, group admin", "patients", list,
                 { _ = try await patients.search(PatientQuery(), in: try await caller(.groupAdmin), page: page) }),
                ("patient page, receptionist", "patients", list,
                 { _ = try await patients.search(PatientQuery(), in: try await caller(.receptionist), page: page) }),
                ("patient page, nurse (facility visibility)", "patients", facilityList,
                 { _ = try await patients.search(PatientQuery(), in: try await caller(.nurse), page: page) }),
                ("patient page, doctor (care-team visibility)", "patients", careTeamList,
                 { _ = try await patients.search(PatientQuery(), in: try await caller(.doctor), page: page) }),
                ("MRN search, receptionist", "patients", Expectation(indexed: ["patients.mrn_index"], orderFromIndex: false),
                 { _ = try await patients.search(mrn, in: try await caller(.receptionist), page: page) }),
                ("name search, receptionist", "patients", Expectation(indexed: ["patient_name_tokens.token_index"], orderFromIndex: false),
                 { _ = try await patients.search(name, in: try await caller(.receptionist), page: page) }),
                ("appointments of a patient, receptionist", "appointments",
                 Expectation(indexed: ["appointments.patient_id"], orderFromIndex: false),
                 { _ = try await app.services.appointments.list(AppointmentFilters(patientID: patient.id),
                                                                in: try await caller(.receptionist), page: page) }),
                ("upcoming appointments of a doctor, group admin", "appointments",
                 Expectation(indexed: ["appointments.doctor_id", "appointments.starts_at"], orderFromIndex: true),
                 { _ = try await app.services.appointments.list(AppointmentFilters(view: .upcoming, doctorID: t[.doctor].id),
                                                                in: try await caller(.groupAdmin), page: page) }),
                // Export pages (issue 14): each keyset page a range read in id order, never a sort of the tenant's table.
                ("appointments export page, group admin", "appointments",
                 Expectation(indexed: ["appointments.tenant_id"], orderFromIndex: true),
                 { try await app.services.exports.appointments(AppointmentFilters(), in: try await caller(.groupAdmin)).stream { _ in } }),
                ("appointments export page, facility admin", "appointments",
                 Expectation(indexed: ["appointments.tenant_id"], orderFromIndex: true),
                 { try await app.services.exports.appointments(AppointmentFilters(status: .booked),
                                                               in: try await caller(.facilityAdmin)).stream { _ in } }),
            ]
            for (label, table, expectation, run) in cases {
                recorder.reset()
                try await run()
                let statement = try #require(recorder.listStatement(on: table), "\(label): no list statement on \(table) recorded")
                let plan = try await QueryPlan.explain(statement, backend: backend, orderFromIndex: expectation.orderFromIndex, on: app.db)
                if ProcessInfo.processInfo.environment["CAREFLOW_PRINT_PLANS"] != nil { print("\(backend) · \(label)\n\(plan)") }
                #expect(plan.fullScans.isEmpty, "\(label): full scan of \(plan.fullScans)\n\(plan)\n\(statement.sql)")
                let required = backend == .sqlite ? expectation.indexed.union(expectation.sqliteOnly) : expectation.indexed
                #expect(required.isSubset(of: plan.indexed),
                        "\(label): \(required.subtracting(plan.indexed)) not matched through an index\n\(plan)\n\(statement.sql)")
                if expectation.orderFromIndex {
                    #expect(!plan.sorts, "\(label): the matches are sorted instead of read in index order\n\(plan)\n\(statement.sql)")
                }
            }
        }
    }

    /// Past (discharged) admissions, one a day per patient from a year ago, an eighth at facility
    /// one (the plan only needs the distribution; the sealed reason is not read).
    static func seedAdmissions(_ app: Application, _ t: TestTenant, patients: [UUID]) async throws {
        guard let sql = app.db as? any SQLDatabase else { return }
        let wards = [try await ExportFixtures.ward(app, t, facility: t.f1).id!, try await ExportFixtures.ward(app, t, facility: t.f2).id!]
        let start = Date().addingTimeInterval(-365 * 86_400)
        var insert = sql.insert(into: Admission.schema)
            .columns("id", "tenant_id", "facility_id", "ward_id", "patient_id", "bed", "status", "admitted_at", "discharged_at",
                     "reason_sealed", "created_at", "updated_at")
        for (i, patientID) in patients.enumerated() {
            let at = start.addingTimeInterval(Double(i) * 86_400)
            let f1 = i % 8 == 5
            insert = insert.values([SQLBind(UUID()), SQLBind(t.id), SQLBind(f1 ? t.f1.id! : t.f2.id!), SQLBind(wards[f1 ? 0 : 1]),
                                    SQLBind(patientID), SQLBind(1), SQLBind("discharged"), SQLBind(at), SQLBind(at.addingTimeInterval(3 * 86_400)),
                                    SQLBind("unread"), SQLBind(Date()), SQLBind(Date())] as [any SQLExpression])
        }
        try await insert.run()
    }

    /// Appointments one an hour from ten days ago: an eighth with the fixture doctor, an eighth at
    /// facility one, a tenth cancelled. The other "doctors" are the tenant's other users (the
    /// plan only needs the distribution).
    static func seedAppointments(_ app: Application, _ t: TestTenant, patients: [UUID]) async throws {
        guard let sql = app.db as? any SQLDatabase else { return }
        let doctors = [t[.doctor].id, t[.nurse].id, t[.receptionist].id, t[.billing].id, t[.facilityAdmin].id, t[.groupAdmin].id,
                       t[.patient].id, t.f2Admin.id]
        let start = Date().addingTimeInterval(-10 * 86_400)
        var insert = sql.insert(into: Appointment.schema)
            .columns("id", "tenant_id", "facility_id", "doctor_id", "patient_id", "starts_at", "ends_at", "status", "created_at", "updated_at")
        for (i, patientID) in patients.enumerated() {
            let at = start.addingTimeInterval(Double(i) * 3_600)
            insert = insert.values([SQLBind(UUID()), SQLBind(t.id), SQLBind(i % 8 == 3 ? t.f1.id! : t.f2.id!), SQLBind(doctors[i % 8]),
                                    SQLBind(patientID), SQLBind(at), SQLBind(at.addingTimeInterval(1_800)),
                                    SQLBind(i % 10 == 0 ? "cancelled" : "booked"), SQLBind(Date()), SQLBind(Date())] as [any SQLExpression])
        }
        try await insert.run()
    }
}

/// The statements a database handle ran, from its query log (SQLKit logs each statement with
/// its binds at debug level).
final class SQLRecorder: LogHandler, @unchecked Sendable {
    struct Statement {
        let sql: String
        let binds: [String]
    }

    private let lock = NSLock()
    private var statements: [Statement] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard case .string(let sql)? = event.metadata?["sql"] else { return }
        var binds: [String] = []
        if case .array(let values)? = event.metadata?["binds"] {
            binds = values.map { if case .string(let s) = $0 { s } else { "\($0)" } }
        }
        lock.withLock { statements.append(Statement(sql: sql, binds: binds)) }
    }

    func reset() { lock.withLock { statements = [] } }

    /// The page query of a list: a SELECT from `table` with an ORDER BY and a LIMIT.
    func listStatement(on table: String) -> Statement? {
        lock.withLock {
            statements.last { s in
                s.sql.hasPrefix("SELECT") && s.sql.contains("FROM \"\(table)\"") && s.sql.contains("ORDER BY") && s.sql.contains("LIMIT")
            }
        }
    }

    /// The last statement `matches` accepts.
    func lastStatement(where matches: (String) -> Bool) -> Statement? {
        lock.withLock { statements.last { matches($0.sql) } }
    }

    /// A handle on the application's database whose statements this recorder sees.
    func database(_ app: Application) -> any Database {
        let recorder = self
        var logger = Logger(label: "query-plan", factory: { _ in recorder })
        logger.logLevel = .debug
        return app.databases.database(logger: logger, on: app.eventLoopGroup.any())!
    }
}

/// A plan reduced to what the expectations ask about.
struct QueryPlan: CustomStringConvertible {
    var lines: [String] = []
    /// Tables read whole (SQLite `SCAN t`, PostgreSQL `Seq Scan`).
    var fullScans: Set<String> = []
    /// "table.column" matched by an index condition.
    var indexed: Set<String> = []
    /// The rows are sorted after they are read (a temporary B-tree, a Sort node).
    var sorts = false

    var description: String { lines.joined(separator: "\n") }

    /// A recorded statement with its binds, explained on the same database.
    /// On PostgreSQL, `orderFromIndex` also prices out sorting: a page of a few matches is
    /// cheaper to sort, and the question is whether an index gives the order when there are many.
    static func explain(_ statement: SQLRecorder.Statement, backend: TestBackend, orderFromIndex: Bool,
                        on db: any Database) async throws -> QueryPlan {
        let binds = statement.binds.map(Self.typed)
        switch backend {
        case .sqlite:
            let sql = db as! any SQLDatabase
            var plan = QueryPlan()
            let rows = try await Recorded(sql: "EXPLAIN QUERY PLAN " + statement.sql, binds: binds).rows(on: sql)
            for row in rows { plan.addSQLite(try row.decode(column: "detail", as: String.self)) }
            return plan
        case .postgres:
            return try await db.transaction { tx in
                let sql = tx as! any SQLDatabase
                // Whether an index can serve the query, whatever the table sizes of a test.
                try await sql.raw("SET LOCAL enable_seqscan = off").run()
                if orderFromIndex { try await sql.raw("SET LOCAL enable_sort = off").run() }
                let rows = try await Recorded(sql: "EXPLAIN (FORMAT JSON) " + statement.sql, binds: binds).rows(on: sql)
                let output = try #require(rows.first).decode(column: "QUERY PLAN", as: [PostgresExplain].self)
                var plan = QueryPlan()
                for root in output { plan.addPostgres(root.plan, depth: 0, heap: nil) }
                return plan
            }
        }
    }

    /// `SEARCH t USING INDEX i (a=? AND b>?)`, `SCAN t`, `USE TEMP B-TREE FOR ORDER BY`…
    mutating func addSQLite(_ detail: String) {
        lines.append(detail)
        let words = detail.split(separator: " ").map(String.init)
        if detail.contains("TEMP B-TREE FOR") && detail.contains("ORDER BY") { sorts = true }
        guard words.count >= 2 else { return }
        let table = words[1]
        if words[0] == "SCAN" && !["CONSTANT", "SUBQUERY"].contains(table) { fullScans.insert(table) }
        if words[0] == "SEARCH", let open = detail.lastIndex(of: "("), detail.contains("INDEX") || detail.contains("PRIMARY KEY") {
            for column in Self.columns(in: String(detail[open...])) { indexed.insert("\(table).\(column)") }
        }
    }

    mutating func addPostgres(_ node: PostgresExplain.Node, depth: Int, heap: String?) {
        lines.append(String(repeating: "  ", count: depth) + node.type + (node.relation.map { " on \($0)" } ?? "")
                     + (node.index.map { " using \($0)" } ?? "") + (node.indexCond.map { " [\($0)]" } ?? ""))
        let table = node.relation ?? heap
        switch node.type {
        case "Seq Scan": fullScans.insert(node.relation ?? "?")
        case "Sort", "Incremental Sort": sorts = true
        default: break
        }
        if let cond = node.indexCond, let table {
            for column in Self.columns(in: cond) { indexed.insert("\(table).\(column)") }
        }
        for child in node.plans ?? [] { addPostgres(child, depth: depth + 1, heap: node.type == "Bitmap Heap Scan" ? node.relation : table) }
    }

    /// Column names compared in a condition: `tenant_id=?`, `(starts_at >= $3)`, `id = ANY (…)`.
    static func columns(in condition: String) -> [String] {
        let pattern = /([a-z_]+)\)? *(=|>=|<=|>|<| IN)/
        return condition.matches(of: pattern).map { String($0.output.1) }
    }

    /// A logged bind back as the value it was: uuids, timestamps and integers are written by
    /// their description.
    static func typed(_ text: String) -> any Encodable & Sendable {
        if let uuid = UUID(uuidString: text) { return uuid }
        if let date = logDate.date(from: text) { return date }
        // An array of dates (the bucket starts of the analytics on PostgreSQL), as Swift prints one.
        if text.hasPrefix("["), text.hasSuffix("]") {
            let dates = text.dropFirst().dropLast().components(separatedBy: ", ").compactMap { logDate.date(from: $0) }
            if !dates.isEmpty { return dates }
        }
        if text.count < 19, let n = Int(text) { return n }
        return text
    }

    private static let logDate: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss Z"
        return f
    }()
}

/// A recorded statement, placeholders and all, with its binds.
private struct Recorded: SQLExpression {
    let sql: String
    let binds: [any Encodable & Sendable]

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(sql)
        serializer.binds += binds
    }

    func rows(on db: any SQLDatabase) async throws -> [any SQLRow] {
        let collected = Rows()
        try await db.execute(sql: self) { collected.append($0) }
        return collected.all
    }

    private final class Rows: @unchecked Sendable {
        private let lock = NSLock()
        private var rows: [any SQLRow] = []
        func append(_ row: any SQLRow) { lock.withLock { rows.append(row) } }
        var all: [any SQLRow] { lock.withLock { rows } }
    }
}

/// PostgreSQL's `EXPLAIN (FORMAT JSON)` output.
struct PostgresExplain: Decodable {
    let plan: Node

    enum CodingKeys: String, CodingKey { case plan = "Plan" }

    struct Node: Decodable {
        let type: String
        let relation: String?
        let index: String?
        let indexCond: String?
        let plans: [Node]?

        enum CodingKeys: String, CodingKey {
            case type = "Node Type"
            case relation = "Relation Name"
            case index = "Index Name"
            case indexCond = "Index Cond"
            case plans = "Plans"
        }
    }
}
