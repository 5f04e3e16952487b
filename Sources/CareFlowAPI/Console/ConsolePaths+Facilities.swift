import CareFlowCore
import Foundation

extension ConsolePaths {
    /// The staff page of one facility; its forms post below it.
    static func facilityStaff(_ facilityID: UUID) -> String {
        "/console/facilities/\(facilityID.lowercasedString)/staff"
    }

    /// The next page of a list: `path` with the service's cursor.
    static func nextPage(of path: String) -> @Sendable (String) -> String {
        { cursor in path + "?cursor=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
    }
}
