import CareFlowCore

/// The role matrix of PRODUCT.md §1, written out by hand from the contract — not derived from
/// `AccessPolicy` — so that a wrong grant in the code fails a test instead of being copied
/// into its expectation. Columns: platform_admin, group_admin, facility_admin, doctor, nurse,
/// receptionist, billing, patient. Cells: the reach of the grant, `-` for none.
///
/// How the contract reads into it:
/// - the platform operator runs tenants and sees no tenant data at all;
/// - admins run people and places; they read demographics tenant-wide but no clinical content
///   (§1: "neither admin role reads clinical content");
/// - doctors reach the patients they care for (`care_team`: a care relationship or an
///   appointment booked for them), nurses the patients of their facility;
/// - receptionists and billing read and edit demographics, never clinical content;
/// - a patient reaches their own account and record.
/// - issue 16: erasure (GDPR Art. 17) destroys the patient's key for good: the group admin's alone.
/// - care steps (§7, issue 13) follow the clinical content they come from, and the patient
///   checks in their own.
/// - issue 14: the clinical roles of a facility admit and discharge; the billing role bills and
///   files claims at its facilities (the group admin across the tenant), a patient reads and pays
///   their own invoices; analytics are the admins' in their scope, revenue also billing's.
/// - issue 16: a patient exports their own data (right of access); the admins who run the
///   patient's facility may export it for them.
enum ContractRoleMatrix {
    static let columns: [Role] = [.platformAdmin, .groupAdmin, .facilityAdmin, .doctor, .nurse, .receptionist, .billing, .patient]

    static let text = """
        tenant.create              platform  -         -         -         -         -         -         -
        tenant.list                platform  -         -         -         -         -         -         -
        tenant.suspend             platform  -         -         -         -         -         -         -
        group_admin.reset_mfa      platform  -         -         -         -         -         -         -
        facility.create            -         tenant    -         -         -         -         -         -
        facility.read              -         tenant    facility  facility  facility  facility  facility  -
        staff.read                 -         tenant    facility  -         -         -         -         -
        staff.invite               -         tenant    facility  -         -         -         -         -
        staff.change_roles         -         tenant    facility  -         -         -         -         -
        staff.deactivate           -         tenant    facility  -         -         -         -         -
        staff.reset_mfa            -         tenant    facility  -         -         -         -         -
        audit.read                 -         tenant    facility  -         -         -         -         -
        patient.create             -         tenant    facility  facility  -         facility  -         -
        patient.read               -         tenant    tenant    care_team facility  tenant    tenant    self
        patient.read_clinical      -         -         -         care_team facility  -         -         self
        patient.update             -         tenant    tenant    care_team -         tenant    -         self
        patient.update_clinical    -         -         -         care_team facility  -         -         -
        patient.delete             -         tenant    facility  -         -         -         -         -
        patient.export             -         tenant    facility  -         -         -         -         self
        patient.erase              -         tenant    -         -         -         -         -         -
        care_relationship.manage   -         tenant    tenant    care_team -         tenant    -         -
        care_relationship.choose   -         -         -         -         -         -         -         self
        profile.read               self      self      self      self      self      self      self      self
        staff_profile.read         -         tenant    tenant    tenant    tenant    tenant    tenant    -
        staff_profile.update       -         tenant    facility  self      -         -         -         -
        availability.read          -         tenant    tenant    tenant    tenant    tenant    -         -
        availability.manage        -         tenant    facility  self      -         -         -         -
        slot.read                  -         tenant    tenant    tenant    tenant    tenant    -         tenant
        appointment.book           -         tenant    facility  self      -         facility  -         self
        appointment.read           -         tenant    facility  self      facility  facility  -         self
        appointment.manage         -         tenant    facility  self      -         facility  -         -
        appointment.cancel         -         tenant    facility  self      -         facility  -         self
        shift.read                 -         tenant    facility  facility  facility  facility  -         -
        shift.manage               -         tenant    facility  -         -         -         -         -
        visit_note.create          -         -         -         care_team -         -         -         -
        integration.read           -         tenant    -         -         -         -         -         -
        outbox.read                -         tenant    -         -         -         -         -         -
        outbox.manage              -         tenant    -         -         -         -         -         -
        device.manage              -         self      self      self      self      self      self      self
        prediction.run             -         -         -         tenant    tenant    -         -         -
        care_step.read             -         -         -         care_team facility  -         -         self
        care_step.check_in         -         -         -         care_team facility  -         -         self
        prescription.analyze       -         -         -         care_team facility  -         -         -
        ward.read                  -         tenant    facility  facility  facility  facility  -         -
        ward.manage                -         tenant    facility  -         -         -         -         -
        admission.read             -         tenant    facility  facility  facility  facility  facility  self
        admission.manage           -         -         -         facility  facility  -         -         -
        invoice.read               -         tenant    facility  -         -         -         facility  self
        invoice.manage             -         tenant    -         -         -         -         facility  -
        invoice.pay                -         -         -         -         -         -         facility  self
        claim.read                 -         tenant    facility  -         -         -         facility  self
        claim.manage               -         tenant    -         -         -         -         facility  -
        analytics.read             -         tenant    facility  -         -         -         -         -
        analytics.read_revenue     -         tenant    facility  -         -         -         facility  -
        export.run                 -         tenant    facility  -         -         -         facility  -
        """

    /// action → role → reach, parsed from `text`.
    static let grants: [String: [Role: String]] = {
        var result: [String: [Role: String]] = [:]
        for line in text.split(separator: "\n") {
            let cells = line.split(separator: " ").map(String.init)
            precondition(cells.count == columns.count + 1, "malformed matrix line: \(line)")
            var row: [Role: String] = [:]
            for (role, cell) in zip(columns, cells.dropFirst()) where cell != "-" { row[role] = cell }
            result[cells[0]] = row
        }
        return result
    }()

    static func allows(_ role: Role, _ action: Action) -> Bool {
        grants[action.rawValue]?[role] != nil
    }
}
