@testable import CareFlowCore
import Crypto
import Testing

/// Blind indexes are stored: their text must never change, or every stored MRN, national id and
/// name token stops matching. Known answers computed with Python's `hmac` (HMAC-SHA256, key
/// bytes 0…31, "kind NUL normalised value", lowercase hex).
@Suite("Blind index known answers")
struct BlindIndexTests {
    let indexer = BlindIndexer(key: SymmetricKey(data: Array(0..<32) as [UInt8]))

    @Test("MRN and name token indexes are the HMAC-SHA256 lowercase hex of kind and normalised value")
    func knownAnswers() {
        #expect(indexer.index(" mrn00000001 ", as: .mrn) == "262f73fec558254159d2634bb465faef13e7d45539bf77ce2ed6f8f33c202bfa")
        #expect(indexer.index("Théoneste", as: .nameToken) == "6d4735760ff79a52c339941f00d2632195daab4ec5eeb3ab635599c25a4f5449")
    }
}
