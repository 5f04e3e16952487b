import CareFlowSVG
import Testing

@Suite struct SVGTextTests {
    @Test func markupCharactersAreEscaped() {
        #expect(SVGText.escape(#"<a href="x">Tom & Jerry's</a>"#) == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
        #expect(SVGText.escape("Kigali Central") == "Kigali Central")
    }
}
