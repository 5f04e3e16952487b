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
    // The pages behind emailed links (issue 15).
    static let invitationAccept = "/console/invitations/accept"
    static let invitationAccepted = "/console/invitations/accepted"
    static let passwordForgot = "/console/password/forgot"
    static let passwordReset = "/console/password/reset"
    static let passwordResetDone = "/console/password/reset/done"
    static let verifyEmail = "/console/verify-email"
    static let verifyEmailDone = "/console/verify-email/done"
}
