@testable import CareFlowCore
import Foundation
import Testing

@Suite("CSV writer: RFC 4180 and formula injection (pure)")
struct CSVWriterTests {
    @Test("plain cells are written as they are, separated by commas, the record ended by CRLF")
    func plain() {
        #expect(CSVWriter.row([.text("Aline"), .text("Uwase"), .number(42), .empty]) == "Aline,Uwase,42,\r\n")
        #expect(CSVWriter.header(["id", "name"]) == "id,name\r\n")
    }

    @Test("a comma, a quote, CR or LF inside a cell quotes it, the quote doubled")
    func quoting() {
        #expect(CSVWriter.row([.text("Kigali, Rwanda")]) == "\"Kigali, Rwanda\"\r\n")
        #expect(CSVWriter.row([.text("say \"hi\"")]) == "\"say \"\"hi\"\"\"\r\n")
        #expect(CSVWriter.row([.text("two\nlines")]) == "\"two\nlines\"\r\n")
        #expect(CSVWriter.row([.text("a\r\nb")]) == "\"a\r\nb\"\r\n")
        #expect(CSVWriter.row([.text("Ngabo Émile")]) == "Ngabo Émile\r\n")
    }

    @Test("a text cell starting with a formula character gets a leading apostrophe", arguments: ["=", "+", "-", "@", "\t", "\r"])
    func formulaStart(first: String) {
        let cell = first + "SUM(A1:A9)"
        let written = CSVWriter.row([.text(cell)])
        // Unquoted: "'" + the cell + CRLF; a CR inside forces quotes.
        let expected = first == "\r" ? "\"'\(cell)\"\r\n" : "'\(cell)\r\n"
        #expect(written == expected, "\(first.debugDescription)")
    }

    @Test("the apostrophe goes inside the quotes of a cell that also needs quoting")
    func formulaAndQuotes() {
        #expect(CSVWriter.row([.text("=HYPERLINK(\"http://evil.test\",\"x\")")])
                == "\"'=HYPERLINK(\"\"http://evil.test\"\",\"\"x\"\")\"\r\n")
    }

    @Test("characters that are harmless elsewhere in a cell are left alone")
    func harmlessInside() {
        #expect(CSVWriter.row([.text("a=b"), .text("x-ray"), .text("me@example.test"), .text(" =1")]) == "a=b,x-ray,me@example.test, =1\r\n")
    }

    @Test("server-produced numbers stay numeric: a negative amount is not prefixed")
    func negativeNumber() {
        #expect(CSVWriter.row([.number(-500), .number(0), .number(12345)]) == "-500,0,12345\r\n")
        // The same characters as text are escaped: only `number` cells are exempt.
        #expect(CSVWriter.row([.text("-500")]) == "'-500\r\n")
    }
}

@Suite("Minor-unit amounts (pure)")
struct MinorUnitFormatterTests {
    @Test("two-decimal, zero-decimal and three-decimal currencies")
    func formats() {
        #expect(MinorUnitFormatter.format(12345, currency: "usd") == "123.45 USD")
        #expect(MinorUnitFormatter.format(5, currency: "eur") == "0.05 EUR")
        #expect(MinorUnitFormatter.format(-1999, currency: "usd") == "-19.99 USD")
        #expect(MinorUnitFormatter.format(5000, currency: "rwf") == "5000 RWF")
        #expect(MinorUnitFormatter.format(1200, currency: "JPY") == "1200 JPY")
        #expect(MinorUnitFormatter.format(1234, currency: "kwd") == "1.234 KWD")
        #expect(MinorUnitFormatter.format(0, currency: "usd") == "0.00 USD")
    }
}

@Suite("Export timestamps (pure)")
struct ExportTimestampTests {
    @Test("RFC 3339 UTC with seconds, as ISO8601DateFormatter writes it")
    func format() {
        let formatter = ISO8601DateFormatter()
        for seconds in [0.0, 951_782_400, 1_764_512_709.75, 4_102_444_799] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(ExportTimestamp.format(date) == formatter.string(from: date))
        }
    }
}
