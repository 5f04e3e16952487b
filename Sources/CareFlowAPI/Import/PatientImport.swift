import CareFlowCore
import CareFlowModels
import Fluent
import Foundation

/// Onboarding a facility's existing patients from CSV: every row is validated first (with the
/// API's own rules, so a file and a POST accept the same things), then the good rows are
/// registered in batches. A row whose national id, email or phone already belongs to a patient
/// is skipped, so running the same file twice creates no duplicates.
struct PatientImport {
    static let columns = [
        "given_name", "family_name", "birth_date", "sex", "phone", "email", "national_id", "address",
        "insurance_provider", "insurance_policy_number", "emergency_name", "emergency_phone", "emergency_relationship",
        "blood_type", "allergies", "conditions",
    ]

    struct Problem {
        let line: Int
        let reasons: [String]
    }

    struct Report {
        var rows = 0
        var imported = 0
        var alreadyPresent = 0
        var problems: [Problem] = []
    }

    /// Checks every row; returns the valid ones as patient inputs and the reasons of the others.
    static func validate(_ table: CSVTable, facilityID: UUID) -> ([(line: Int, input: PatientInput)], [Problem]) {
        var good: [(Int, PatientInput)] = []
        var bad: [Problem] = []
        let unknown = table.columnNames.filter { !columns.contains($0) }
        for row in table.rows {
            if !unknown.isEmpty {
                bad.append(Problem(line: row.line, reasons: ["unknown column(s): " + unknown.joined(separator: ", ")]))
                continue
            }
            do {
                var input = try NewPatientBody.read(json(from: row.values)).input
                input.homeFacilityID = facilityID
                if input.nationalID == nil && input.email == nil && input.phone == nil {
                    bad.append(Problem(line: row.line, reasons: ["needs national_id, email or phone (to recognise the patient on a re-run)"]))
                    continue
                }
                good.append((row.line, input))
            } catch {
                // Reading a row throws only `AppError` (typed throws).
                let reasons = error.fieldErrors.isEmpty ? [error.detail] : error.fieldErrors.map { "\(csvName($0.field)): \($0.reason)" }
                bad.append(Problem(line: row.line, reasons: reasons))
            }
        }
        return (good, bad)
    }

    /// Registers the valid rows, `batchSize` at a time, reporting progress after each batch.
    static func run(_ rows: [(line: Int, input: PatientInput)], tenantID: UUID, services: AppServices, db: any Database,
                    batchSize: Int, progress: (Int, Int) -> Void) async throws -> (imported: Int, alreadyPresent: Int) {
        let scope = TenantScope(tenantID: tenantID, db: db)
        let cipher = try await services.keyring.cipher(forTenant: tenantID, on: db)
        let importer = RequestContext(scope: scope, principal: .system(tenantID: tenantID), origin: RequestOrigin(requestID: "import"))
        var imported = 0, present = 0
        for (i, batch) in stride(from: 0, to: rows.count, by: batchSize).map({ Array(rows[$0..<min($0 + batchSize, rows.count)]) }).enumerated() {
            for row in batch {
                if try await exists(row.input, scope: scope, cipher: cipher) {
                    present += 1
                    continue
                }
                do {
                    _ = try await services.patients.register(row.input, in: importer)
                    imported += 1
                } catch AppError.conflict {
                    present += 1
                }
            }
            progress(min((i + 1) * batchSize, rows.count), rows.count)
        }
        return (imported, present)
    }

    static func exists(_ input: PatientInput, scope: TenantScope, cipher: FieldCipher) async throws -> Bool {
        var q = scope.query(Patient.self).filter(\.$deletedAt == nil)
        var criteria: [(KeyPath<Patient, OptionalFieldProperty<Patient, String>>, String)] = []
        if let v = input.nationalID { criteria.append((\.$nationalIDIndex, cipher.index(v, as: .nationalID))) }
        if let v = input.email { criteria.append((\.$emailIndex, cipher.index(v, as: .email))) }
        if let v = input.phone { criteria.append((\.$phoneIndex, cipher.index(v, as: .phone))) }
        q = q.group(.or) { group in
            for (field, value) in criteria { group.filter(field == value) }
        }
        return try await q.first() != nil
    }

    /// A CSV row in the shape of the API's JSON body.
    static func json(from row: [String: String]) -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        for key in ["given_name", "family_name", "birth_date", "sex", "phone", "email", "national_id", "address", "blood_type"] {
            if let v = row[key] { object[key] = .string(key == "sex" ? v.lowercased() : v) }
        }
        if row["insurance_provider"] != nil || row["insurance_policy_number"] != nil {
            var ins: [String: JSONValue] = [:]
            if let v = row["insurance_provider"] { ins["provider"] = .string(v) }
            if let v = row["insurance_policy_number"] { ins["policy_number"] = .string(v) }
            object["insurance"] = .object(ins)
        }
        if row["emergency_name"] != nil || row["emergency_phone"] != nil {
            var c: [String: JSONValue] = [:]
            if let v = row["emergency_name"] { c["name"] = .string(v) }
            if let v = row["emergency_phone"] { c["phone"] = .string(v) }
            if let v = row["emergency_relationship"] { c["relationship"] = .string(v) }
            object["emergency_contact"] = .object(c)
        }
        if let v = row["allergies"] {
            object["allergies"] = .array(v.split(separator: ";").map { .string(String($0).trimmingCharacters(in: .whitespaces)) })
        }
        if let v = row["conditions"] {
            // "I10:note;E11.9" — code, then an optional note after the first colon.
            object["conditions"] = .array(v.split(separator: ";").map { item in
                let parts = item.split(separator: ":", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
                var c: [String: JSONValue] = ["code": .string(parts[0])]
                if parts.count > 1 { c["note"] = .string(parts[1]) }
                return .object(c)
            })
        }
        return object
    }

    /// API field paths back into CSV column names for the report.
    static func csvName(_ field: String) -> String {
        field.replacingOccurrences(of: "insurance.", with: "insurance_")
            .replacingOccurrences(of: "emergency_contact.", with: "emergency_")
    }
}
