extension QRCode {
    /// The symbol as a standalone SVG element, for inline use in the console's HTML.
    ///
    /// Colours are presentation attributes, never `style`: the console's Content-Security-Policy
    /// forbids inline style. The dark modules are one path, each horizontal run of dark modules
    /// one rectangle, which keeps the markup small (a version-5 code is about 3 kB). `width` and
    /// `height` give the intended size in CSS pixels (`moduleSize` per module, at least 1); the
    /// `viewBox` lets a stylesheet shrink it (`max-width: 100%; height: auto`) on a narrow phone.
    /// `quietZone` is the light margin in modules; the standard asks for 4.
    public func svg(moduleSize: Int = 4, quietZone: Int = 4, label: String) -> String {
        let margin = max(quietZone, 0)
        let side = size + 2 * margin
        let pixels = side * max(moduleSize, 1)
        let name = SVGText.escape(label)
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < size && isDark(x: x, y: y) { x += 1 }
                path += "M\(start + margin) \(y + margin)h\(x - start)v1h-\(x - start)z"
            }
        }
        return """
        <svg xmlns="http://www.w3.org/2000/svg" class="qr-code" viewBox="0 0 \(side) \(side)" width="\(pixels)" height="\(pixels)" \
        role="img" aria-label="\(name)" shape-rendering="crispEdges">\
        <title>\(name)</title>\
        <rect width="\(side)" height="\(side)" fill="#fff"/>\
        <path fill="#000" d="\(path)"/>\
        </svg>
        """
    }
}
