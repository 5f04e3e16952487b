import FluentKit
import Foundation

/// One doctor at one facility, as the directory lists them.
public struct DoctorListing: Sendable {
    public let doctorID: UUID
    public let displayName: String?
    public let facilityID: UUID
    public let profile: StaffProfile?
}

public struct DoctorFilters: Sendable {
    public var facilityID: UUID?
    /// Matched without regard to case or accents.
    public var specialization: String?
    /// Only doctors with at least one free slot that day (in the facility's zone).
    public var availableOn: CalendarDay?

    public init(facilityID: UUID? = nil, specialization: String? = nil, availableOn: CalendarDay? = nil) {
        self.facilityID = facilityID
        self.specialization = specialization
        self.availableOn = availableOn
    }
}

/// The tenant's doctors per facility with their profiles, for staff choosing a doctor.
public struct DoctorDirectory: Sendable {
    let guardian: AccessGuard
    let keyring: Keyring
    let slots: SlotService

    public init(guardian: AccessGuard, keyring: Keyring, slots: SlotService) {
        self.guardian = guardian
        self.keyring = keyring
        self.slots = slots
    }

    /// Ordered by doctor, then facility. Doctors are few per tenant (hundreds), so the filters
    /// run over the tenant's doctor assignments in memory; only the page is opened and returned.
    public func list(_ filters: DoctorFilters, in context: RequestContext,
                     page: PageRequest, now: Date = Date()) async throws -> Page<DoctorListing> {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        var reach = AccessDecision.facilities(for: principal, .staffProfileRead)
        if let facilityID = filters.facilityID {
            _ = try await scope.require(Facility.self, facilityID, name: "Facility")
            try await guardian.authorize(principal, .staffProfileRead, on: .facility(facilityID), origin: origin, db: scope.db)
            reach = [facilityID]
        } else if let reach, reach.isEmpty {
            try await guardian.authorize(principal, .staffProfileRead, on: .tenant, origin: origin, db: scope.db)
        }
        var query = scope.query(RoleAssignment.self).filter(\.$role == .doctor)
        if let reach { query = query.filter(\.$facilityID ~~ Array(reach)) }
        let pairs = try await query.all()
            .compactMap { a in a.facilityID.map { (doctor: a.userID, facility: $0) } }
            .sorted { Self.key($0.doctor, $0.facility) < Self.key($1.doctor, $1.facility) }
        let doctorIDs = Array(Set(pairs.map(\.doctor)))
        if doctorIDs.isEmpty { return Page(items: [], nextCursor: nil) }
        let users = Dictionary(
            try await scope.query(User.self).filter(\.$id ~~ doctorIDs).filter(\.$status != .deactivated).all().map { ($0.id!, $0) },
            uniquingKeysWith: { a, _ in a })
        let profiles = Dictionary(
            try await scope.query(StaffProfile.self).filter(\.$userID ~~ doctorIDs).all().map { (Self.key($0.userID, $0.facilityID), $0) },
            uniquingKeysWith: { a, _ in a })
        let facilities = Dictionary(try await scope.query(Facility.self).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let wanted = StaffProfile.specializationKey(filters.specialization)

        var selected: [(doctor: UUID, facility: UUID)] = []
        for pair in pairs where selected.count <= page.limit {
            let key = Self.key(pair.doctor, pair.facility)
            if let after = page.cursor?.key, key <= after { continue }
            guard users[pair.doctor] != nil, let facility = facilities[pair.facility] else { continue }
            if let wanted, profiles[key]?.specializationKey != wanted { continue }
            if let day = filters.availableOn,
               try await slots.slots(doctorID: pair.doctor, at: facility, on: day, in: scope, now: now).isEmpty { continue }
            selected.append(pair)
        }
        let pageItems = selected.prefix(page.limit)
        let directory = UserDirectory(scope: scope, cipher: try await keyring.cipher(forTenant: scope.tenantID, on: scope.db))
        let items = try pageItems.map { pair in
            DoctorListing(doctorID: pair.doctor, displayName: try directory.profile(users[pair.doctor]!).displayName,
                          facilityID: pair.facility, profile: profiles[Self.key(pair.doctor, pair.facility)])
        }
        let next = selected.count > page.limit ? Cursor(key: Self.key(pageItems.last!.doctor, pageItems.last!.facility)).encoded : nil
        return Page(items: items, nextCursor: next)
    }

    private static func key(_ doctor: UUID, _ facility: UUID) -> String {
        doctor.lowercasedString + "|" + facility.lowercasedString
    }
}
