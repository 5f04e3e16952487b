@testable import CareFlowCore
import Foundation
import Testing

@Suite("Master keys")
struct MasterKeysTests {
    @Test("the environment list and the demo key file parse, whitespace and newlines included")
    func parse() throws {
        let a = FernetKey.generate(), b = FernetKey.generate()
        let keys = try MasterKeys.parse(" \(a.base64URL) ,\n\(b.base64URL)\n")
        #expect(keys.keys == [a, b])
        #expect(throws: KeyHierarchyError.badMasterKey(position: 2)) { try MasterKeys.parse("\(a.base64URL),nope") }
        #expect(throws: KeyHierarchyError.noMasterKey) { try MasterKeys.parse(" , ") }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mk-\(UUID())/master.key").path
        let created = try MasterKeys.loadOrCreateDemo(at: path)
        let reread = try MasterKeys.loadOrCreateDemo(at: path)
        #expect(created.keys == reread.keys)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
