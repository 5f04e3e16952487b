import Foundation

/// How the process talks to whoever reads its standard output: JSON lines for a log shipper, or
/// text for a person at a terminal. Decided once, at start, from the environment and from whether
/// the output is a terminal; `decide` is the whole rule, so it is tested without a real tty.
public struct LogStyle: Equatable, Sendable {
    public enum Format: String, Sendable {
        case json, text
    }

    public var format: Format
    /// Text on a terminal: progress redrawn in place and the start-up banner, for a person. Text
    /// sent elsewhere (`CAREFLOW_LOG_FORMAT=text` into a file) stays plain lines.
    public var interactive: Bool
    /// ANSI colours on the level; only when interactive, never with `NO_COLOR` or `TERM=dumb`.
    public var colored: Bool
    /// `CAREFLOW_LOG_FORMAT` held something other than `json` or `text` (ignored; worth a warning).
    public var unrecognisedSetting: String?

    /// `CAREFLOW_LOG_FORMAT=json|text` wins; otherwise text on a terminal and JSON everywhere else,
    /// so services, containers and pipes keep the JSON lines their collectors parse.
    /// `NO_COLOR` (any non-empty value, https://no-color.org) turns colours off.
    public static func decide(environment: [String: String], outputIsTerminal: Bool) -> LogStyle {
        let setting = environment["CAREFLOW_LOG_FORMAT"]?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        let requested = Format(rawValue: setting)
        let format = requested ?? (outputIsTerminal ? .text : .json)
        let interactive = format == .text && outputIsTerminal
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty || environment["TERM"] == "dumb"
        return LogStyle(format: format, interactive: interactive, colored: interactive && !noColor,
                        unrecognisedSetting: requested == nil && !setting.isEmpty ? setting : nil)
    }

    /// The style for this process's standard output, where the `careflow` executable logs.
    public static func forStandardOutput(environment: [String: String] = ProcessInfo.processInfo.environment) -> LogStyle {
        decide(environment: environment, outputIsTerminal: isatty(STDOUT_FILENO) == 1)
    }
}
