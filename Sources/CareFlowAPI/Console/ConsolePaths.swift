/// The console's addresses, named once: redirects, navigation and templates use these.
enum ConsolePaths {
    static let home = "/console"
    static let signIn = "/console/sign-in"
    static let signInCode = "/console/sign-in/code"
    static let signOut = "/console/sign-out"
    static let enrolment = "/console/mfa/enrol"
    static let stylesheet = "/console/assets/console.css"
    static let dashboard = "/console/dashboard"
    static let facilities = "/console/facilities"
    static let staff = "/console/staff"
    static let integrations = "/console/integrations"
    static let audit = "/console/audit"
}
