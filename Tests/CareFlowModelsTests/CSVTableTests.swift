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
