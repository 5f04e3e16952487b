@testable import CareFlowAPI
import Foundation
import Logging
import Testing

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    @Test("every character is escaped, so a value with quotes or newlines stays inside one JSON line")
    func escaping() throws {
        var line = ""
        JSONLogHandler.appendQuoted("quote \" backslash \\ newline \n tab \t bell \u{07} é 🩺", to: &line)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(line)]".utf8)) as? [String]
        #expect(decoded == ["quote \" backslash \\ newline \n tab \t bell \u{07} é 🩺"])
        #expect(!line.contains("\n") && !line.contains("\u{07}"))
    }
}
