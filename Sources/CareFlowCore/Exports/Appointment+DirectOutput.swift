import FluentKit

/// Appointments decode without reflection in exports: a million-row export decodes a million
/// of them, and Fluent's per-row `Mirror` walk was the largest cost of a page.
extension Appointment: DirectOutput {
    static let directColumns = makeDirectColumns()

    var directProperties: [any AnyDatabaseProperty] {
        [$id, $tenantID, $facilityID, $doctorID, $patientID, $startsAt, $endsAt, $status, $reasonSealed, $bookedBy, $createdAt,
         $updatedAt]
    }
}
