import CareFlowCore
import Foundation
import Testing

@Suite("Ids as text (pure)")
struct UUIDTextTests {
    @Test("the fast forms are exactly Foundation's uuidString, lower- and upper-case")
    func matchesFoundation() {
        var ids = (0..<1_000).map { _ in UUID() }
        ids += [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)),
                UUID(uuidString: "0B5A4E1C-8F6F-4E3A-9D1E-2F0C1A2B3C4D")!]
        for id in ids {
            #expect(id.lowercasedString == id.uuidString.lowercased())
            #expect(id.uppercasedString == id.uuidString)
            #expect(UUID(uuidString: id.lowercasedString) == id)
            #expect(UUID(canonical: id.uuidString) == id && UUID(canonical: id.lowercasedString) == id)
        }
        #expect(UUID(uuidString: "0B5A4E1C-8F6F-4E3A-9D1E-2F0C1A2B3C4D")!.lowercasedString == "0b5a4e1c-8f6f-4e3a-9d1e-2f0c1a2b3c4d")
    }

    @Test("malformed text is no id, as for Foundation", arguments: [
        "", "0b5a4e1c8f6f4e3a9d1e2f0c1a2b3c4d", "0b5a4e1c-8f6f-4e3a-9d1e-2f0c1a2b3c4", "0b5a4e1c-8f6f-4e3a-9d1e-2f0c1a2b3c4dd",
        "0b5a4e1c-8f6f-4e3a-9d1e_2f0c1a2b3c4d", "0b5a4e1g-8f6f-4e3a-9d1e-2f0c1a2b3c4d", "{b5a4e1c-8f6f-4e3a-9d1e-2f0c1a2b3c4d",
        "0b5a4e1c-8f6f-4e3a-9d1e-2f0c1a2b3c4\u{e9}",
    ])
    func malformed(text: String) {
        #expect(UUID(canonical: text) == nil)
        #expect(UUID(uuidString: text) == nil)
    }
}
