@testable import CareFlowAPI
import Testing
import VaporTesting

@Suite("The test configuration")
struct TestConfigurationTests {
    @Test("tests hash at bcrypt's minimum cost and share one fixture hash; production keeps cost 12")
    func bcryptCost() throws {
        #expect(AppConfiguration.fromEnvironment([:]).bcryptCost == 12)
        #expect(AppConfiguration.fromEnvironment(["CAREFLOW_BCRYPT_COST": "2"]).bcryptCost == 4)
        let config = testConfiguration(dataDirectory: "/nonexistent", tenantsDirectory: "/nonexistent", database: .sqlite(path: ":memory:"))
        #expect(config.bcryptCost == testBcryptCost && testBcryptCost == 4)
        #expect(try Bcrypt.verify(testPassword, created: testPasswordHash))
        #expect(try !Bcrypt.verify(testPassword + "!", created: testPasswordHash))
    }
}
