@testable import CareFlowCore
import Foundation
import Testing

/// Issue 13: the tenant file's `reminders:` section (quiet hours, appointment offsets), with
/// the defaults every tenant without it gets; and `C` as a confirmation reply.
@Suite("Reminder settings in the tenant file")
struct ReminderSettingsTests {
    static let minimal = """
        slug: kigali-health
        name: Kigali Health Group
        timezone: Africa/Kigali
        """

    func parse(_ extra: String = "") throws -> TenantConfiguration {
        try TenantConfigurationLoader.parse(yaml: Self.minimal + "\n" + extra, fileName: "tenants/kigali-health.yaml")
    }

    func errors(_ extra: String) -> [String] {
        do {
            _ = try parse(extra)
            return []
        } catch let error as TenantConfigurationErrors {
            return error.errors.map { "\($0.field): \($0.reason)" }
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test("without a reminders section: quiet 21:00–07:00, reminders 24 h and 2 h before an appointment")
    func defaults() throws {
        let settings = try parse().reminders
        #expect(settings.quietHours == QuietHours(start: LocalClock(hour: 21, minute: 0)!, end: LocalClock(hour: 7, minute: 0)!))
        #expect(settings.appointmentOffsets == [.seconds(86_400), .seconds(7_200)])
    }

    @Test("a tenant's own quiet hours and offsets, longest first; rendered back to the same value")
    func custom() throws {
        let config = try parse("""
            reminders:
              quiet_hours: {start: "22:30", end: "06:00"}
              appointment_offsets: [90m, 48h, 3h]
            """)
        #expect(config.reminders.quietHours == QuietHours(start: LocalClock(hour: 22, minute: 30)!, end: LocalClock(hour: 6, minute: 0)!))
        #expect(config.reminders.appointmentOffsets == [.seconds(48 * 3600), .seconds(3 * 3600), .seconds(90 * 60)])
        let rendered = TenantConfigurationLoader.render(config)
        let again = try TenantConfigurationLoader.parse(yaml: rendered, fileName: "tenants/kigali-health.yaml")
        #expect(again.reminders == config.reminders, "\(rendered)")
        // The defaults are not written out: onboarding's files stay as they were.
        #expect(!TenantConfigurationLoader.render(try parse()).contains("reminders"))
    }

    @Test("bad values are refused naming the field")
    func refused() {
        #expect(errors("reminders: {quiet_hours: {start: \"25:00\", end: \"07:00\"}}").contains { $0.hasPrefix("reminders.quiet_hours.start: invalid time") })
        #expect(errors("reminders: {quiet_hours: {start: \"21:00\"}}").contains("reminders.quiet_hours.end: required"))
        #expect(errors("reminders: {appointment_offsets: [24h, 2 hours]}").contains { $0.hasPrefix("reminders.appointment_offsets[1]: invalid duration") })
        #expect(errors("reminders: {appointment_offsets: [2h, 120m]}").contains { $0.hasPrefix("reminders.appointment_offsets[1]: duplicate") })
        #expect(errors("reminders: {appointment_offsets: [0m]}").contains { $0.hasPrefix("reminders.appointment_offsets[0]: invalid duration") })
        #expect(errors("reminders: {appointment_offsets: [800h]}").contains { $0.hasPrefix("reminders.appointment_offsets[0]: invalid duration") })
        #expect(errors("reminders: {quiet: yes}").contains { $0.hasPrefix("reminders.quiet: unknown field") })
    }

    @Test("offsets read and written: 24h, 90m, 1h30m")
    func offsets() {
        #expect(ReminderSettings.offset(parsing: "24h") == .seconds(86_400))
        #expect(ReminderSettings.offset(parsing: "90m") == .seconds(5_400))
        #expect(ReminderSettings.offset(parsing: "1h30m") == .seconds(5_400))
        for bad in ["", "h", "24", "-2h", "2d", "1.5h", " 2h"] { #expect(ReminderSettings.offset(parsing: bad) == nil, "\(bad)") }
        #expect(ReminderSettings.text(of: .seconds(5_400)) == "1h30m")
        #expect(ReminderSettings.text(of: .seconds(7_200)) == "2h")
        #expect(ReminderSettings.text(of: .seconds(600)) == "10m")
    }

    @Test("C confirms like YES (PRODUCT §5); CANCEL stays an opt-out keyword, NO declines")
    func confirmLetter() {
        #expect(SMSReply("C") == .confirm)
        #expect(SMSReply("c.") == .confirm)
        #expect(InboundKeyword(body: "C") == .confirm)
        #expect(InboundKeyword(body: "CANCEL") == .stop)
        #expect(SMSReply("no") == .decline)
    }
}
