import Testing
@testable import CareFlowCore
@Test func tmpRenderPeek() throws {
    let c = try TenantConfigurationLoader.parse(yaml: TenantConfigurationTests.productExample, fileName: "kigali-health.yaml")
    print(TenantConfigurationLoader.render(c))
    var d = TenantConfiguration(slug: "yes", name: "Hôpital «Saint-Jean»: #1", timezone: "UTC", facilities: [FacilitySeed(code: "123", name: "null")])
    d.integrations[.llm] = .disabled
    print(TenantConfigurationLoader.render(d))
    do { _ = try TenantConfigurationLoader.parse(yaml: "slug: x\nname: [\n", fileName: "tenants/x.yaml") } catch { print(error) }
    do { _ = try TenantConfigurationLoader.parse(yaml: "slug: kigali-health\nname: X\n\ttimezone: UTC\n", fileName: "tenants/kigali-health.yaml") } catch { print(error) }
}
