/// Reed–Solomon error correction over GF(256) with the QR code's field polynomial
/// x⁸ + x⁴ + x³ + x² + 1 (0x11D) and generator polynomials ∏(x − αⁱ), i = 0 … n−1
/// (ISO/IEC 18004 clause 7.5.2 and Annex A).
enum ReedSolomon {
    /// αⁱ for i = 0 … 254, repeated once so products need no modulo.
    private static let exp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 512)
        var value = 1
        for i in 0..<255 {
            table[i] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        for i in 255..<512 { table[i] = table[i - 255] }
        return table
    }()

    /// log_α(v) for v = 1 … 255 (index 0 unused: zero has no logarithm).
    private static let log: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exp[i])] = i }
        return table
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exp[log[Int(a)] + log[Int(b)]]
    }

    /// Coefficients of the generator polynomial of `degree`, highest power first, the leading 1
    /// left out.
    static func generator(degree: Int) -> [UInt8] {
        var poly: [UInt8] = [1]
        for i in 0..<degree {
            // Multiply by (x − αⁱ); in GF(2⁸) subtraction is addition (xor).
            var next = [UInt8](repeating: 0, count: poly.count + 1)
            for (j, coefficient) in poly.enumerated() {
                next[j] ^= coefficient
                next[j + 1] ^= multiply(coefficient, exp[i])
            }
            poly = next
        }
        return Array(poly.dropFirst())
    }

    /// The `count` error-correction codewords of `data`: the remainder of data·xⁿ divided by
    /// the generator polynomial of degree n.
    static func errorCorrection(for data: [UInt8], count: Int) -> [UInt8] {
        let divisor = generator(degree: count)
        var remainder = [UInt8](repeating: 0, count: count)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for i in 0..<count {
                remainder[i] ^= multiply(divisor[i], factor)
            }
        }
        return remainder
    }
}
