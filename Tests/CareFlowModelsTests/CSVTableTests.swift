import CareFlowModels
import Testing

@Suite("CSV table")
struct CSVTableTests {
    @Test("quoted fields keep their commas and quotes; CRLF and a missing final newline are fine")
    func quotingAndLineEndings() throws {
        let text = "id,description\r\n19,\"Expired at home. Medicaid only, hospice.\"\r\n20,\"say \"\"hi\"\"\"\r\n21,plain"
        let table = try CSVTable(bytes: Array(text.utf8))
        #expect(table.header == ["id", "description"])
        #expect(table.rowCount == 3)
        #expect(table.column(at: 1) == ["Expired at home. Medicaid only, hospice.", "say \"hi\"", "plain"])
    }

    @Test("a row with the wrong number of fields is refused with its line number")
    func raggedRow() {
        #expect(throws: CSVTable.Failure.raggedRow(line: 3, fields: 1, expected: 2)) {
            try CSVTable(bytes: Array("a,b\n1,2\n3\n".utf8))
        }
    }
}

@Suite("CSV table: what imports need")
struct CSVTableImportTests {
    @Test("a byte-order mark is not part of the first column's name")
    func byteOrderMark() throws {
        let table = try CSVTable(text: "\u{FEFF}id,name\n1,x\n")
        #expect(table.header == ["id", "name"])
    }

    @Test("each row knows the line it starts on, past blank lines and line breaks inside quotes")
    func rowLines() throws {
        let table = try CSVTable(text: "a,b\n1,\"two\nlines\"\n\n3,4\r\n5,6")
        #expect(table.rowCount == 3)
        #expect((0..<3).map { table.line(ofRow: $0) } == [2, 5, 6])
        #expect(table.row(at: 0) == ["1", "two\nlines"])
        #expect(throws: CSVTable.Failure.raggedRow(line: 5, fields: 1, expected: 2)) {
            try CSVTable(text: "a,b\n\"x\ny\",1\n\n9\n")
        }
    }

    @Test("an unclosed quote is refused with the line its row starts on")
    func unclosedQuote() {
        #expect(throws: CSVTable.Failure.unterminatedQuote(line: 2)) { try CSVTable(text: "a\n\"open\nmore\n") }
    }

    @Test("a quote inside a field is text")
    func quoteInsideField() throws {
        let table = try CSVTable(text: "height,name\n5'10\",x\n")
        #expect(table.row(at: 0) == ["5'10\"", "x"])
    }
}
