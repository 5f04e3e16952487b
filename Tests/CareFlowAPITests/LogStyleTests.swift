@testable import CareFlowAPI
import Testing

/// Which log format the process writes: JSON lines unless a person is watching a terminal, and
/// what an operator asks for always wins.
@Suite("Log format choice")
struct LogStyleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let environment: [String: String]
        let terminal: Bool
        let format: LogStyle.Format
        let interactive: Bool
        let colored: Bool
        var testDescription: String { "\(environment) terminal=\(terminal)" }
    }

    @Test("terminal → text, anything else → JSON; CAREFLOW_LOG_FORMAT overrides; colour only interactive, never with NO_COLOR",
          arguments: [
              Case(environment: [:], terminal: true, format: .text, interactive: true, colored: true),
              Case(environment: [:], terminal: false, format: .json, interactive: false, colored: false),
              Case(environment: ["CAREFLOW_LOG_FORMAT": "json"], terminal: true, format: .json, interactive: false, colored: false),
              Case(environment: ["CAREFLOW_LOG_FORMAT": "JSON "], terminal: true, format: .json, interactive: false, colored: false),
              Case(environment: ["CAREFLOW_LOG_FORMAT": "text"], terminal: false, format: .text, interactive: false, colored: false),
              Case(environment: ["CAREFLOW_LOG_FORMAT": "text"], terminal: true, format: .text, interactive: true, colored: true),
              Case(environment: ["NO_COLOR": "1"], terminal: true, format: .text, interactive: true, colored: false),
              // no-color.org: an empty NO_COLOR does not count.
              Case(environment: ["NO_COLOR": ""], terminal: true, format: .text, interactive: true, colored: true),
              Case(environment: ["TERM": "dumb"], terminal: true, format: .text, interactive: true, colored: false),
              Case(environment: ["NO_COLOR": "1"], terminal: false, format: .json, interactive: false, colored: false),
          ])
    func decision(_ c: Case) {
        let style = LogStyle.decide(environment: c.environment, outputIsTerminal: c.terminal)
        #expect(style.format == c.format)
        #expect(style.interactive == c.interactive)
        #expect(style.colored == c.colored)
        #expect(style.unrecognisedSetting == nil)
    }

    @Test("an unknown CAREFLOW_LOG_FORMAT falls back to the terminal rule and is reported")
    func unknownSetting() {
        let piped = LogStyle.decide(environment: ["CAREFLOW_LOG_FORMAT": "yaml"], outputIsTerminal: false)
        #expect(piped.format == .json && piped.unrecognisedSetting == "yaml")
        let terminal = LogStyle.decide(environment: ["CAREFLOW_LOG_FORMAT": "pretty"], outputIsTerminal: true)
        #expect(terminal.format == .text && terminal.interactive && terminal.unrecognisedSetting == "pretty")
    }
}
