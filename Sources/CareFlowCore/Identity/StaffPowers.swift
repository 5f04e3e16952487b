/// What an administrator may do to one staff member at a facility, as `StaffService` would
/// decide it: the console shows a control only when its action would be accepted.
public struct StaffPowers: Sendable, Equatable {
    public let changeRoles: Bool
    public let remove: Bool
    public let resetMFA: Bool

    public init(changeRoles: Bool, remove: Bool, resetMFA: Bool) {
        self.changeRoles = changeRoles
        self.remove = remove
        self.resetMFA = resetMFA
    }

    public static let none = StaffPowers(changeRoles: false, remove: false, resetMFA: false)
}
