extension UInt64 {
    /// The largest power of ten that fits in 64 bits is 10^19.
    static let maxPowerOfTenExponent = 19

    /// 10^exponent for exponent in 0...19, computed rather than looked up so that hot paths touch no
    /// lazily initialised global table.
    static func powerOfTen(_ exponent: Int) -> UInt64 {
        var power: UInt64 = 1
        for _ in 0..<exponent { power &*= 10 }
        return power
    }
}

/// An arbitrary-precision unsigned integer: the rarely taken slow path behind `ExactDecimal`, used only
/// when a coefficient outgrows 64 bits.
///
/// Limbs are 64-bit, least significant first, with no zero limb on top, so equal values have equal
/// limbs and the synthesized `Hashable` is by value. Zero has no limbs.
struct BigUInt: Hashable, Sendable {
    private(set) var limbs: [UInt64]

    init(_ value: UInt64) { limbs = value == 0 ? [] : [value] }

    init(limbs: [UInt64]) {
        self.limbs = limbs
        while let last = self.limbs.last, last == 0 { self.limbs.removeLast() }
    }

    /// Builds the value of decimal digits (each 0...9), most significant first, 19 digits per step.
    init(decimalDigits: some Sequence<UInt8>) {
        self.init(0)
        var chunk: UInt64 = 0
        var chunkLength = 0
        for digit in decimalDigits {
            chunk = chunk * 10 + UInt64(digit)
            chunkLength += 1
            if chunkLength == 19 {
                multiply(by: UInt64.powerOfTen(19), adding: chunk)
                chunk = 0
                chunkLength = 0
            }
        }
        if chunkLength > 0 { multiply(by: UInt64.powerOfTen(chunkLength), adding: chunk) }
    }

    /// 10^exponent.
    static func powerOfTen(_ exponent: Int) -> BigUInt {
        var power = BigUInt(1)
        power.multiply(byPowerOf: 10, exponent)
        return power
    }

    var isZero: Bool { limbs.isEmpty }

    var isOdd: Bool { (limbs.first ?? 0) & 1 == 1 }

    /// The value, when it fits in one limb.
    var uint64Value: UInt64? { limbs.count <= 1 ? limbs.first ?? 0 : nil }

    var bitWidth: Int { limbs.last.map { limbs.count * 64 - $0.leadingZeroBitCount } ?? 0 }

    /// An upper bound on the number of decimal digits that costs no arithmetic: value < 2^bitWidth.
    var decimalDigitBound: Int { Int(Double(bitWidth) * 0.30103) + 1 }

    /// The exact number of decimal digits (1 for zero).
    var decimalDigitCount: Int {
        // 2^(bitWidth-1) <= value, so this estimate never exceeds the true count minus one; the loop
        // corrects it by one or two steps.
        var count = max(1, Int(Double(bitWidth - 1) * 0.30102999566398120))
        var power = BigUInt.powerOfTen(count)
        while BigUInt.compare(self, power) >= 0 {
            count += 1
            power.multiply(by: 10)
        }
        return count
    }

    /// The value in decimal, without leading zeros ("0" for zero).
    var decimalString: String {
        var chunks: [UInt64] = []
        var rest = self
        while !rest.isZero { chunks.append(rest.divide(by: UInt64.powerOfTen(19))) }
        var text = String(chunks.last ?? 0)
        for chunk in chunks.dropLast().reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return text
    }

    /// -1, 0 or 1 as `lhs` is less than, equal to or greater than `rhs`.
    static func compare(_ lhs: BigUInt, _ rhs: BigUInt) -> Int {
        if lhs.limbs.count != rhs.limbs.count { return lhs.limbs.count < rhs.limbs.count ? -1 : 1 }
        for index in lhs.limbs.indices.reversed() where lhs.limbs[index] != rhs.limbs[index] {
            return lhs.limbs[index] < rhs.limbs[index] ? -1 : 1
        }
        return 0
    }

    static func + (lhs: BigUInt, rhs: BigUInt) -> BigUInt {
        let (long, short) = lhs.limbs.count >= rhs.limbs.count ? (lhs.limbs, rhs.limbs) : (rhs.limbs, lhs.limbs)
        var sum = long
        var carry: UInt64 = 0
        for index in sum.indices {
            let (partial, overflow1) = sum[index].addingReportingOverflow(index < short.count ? short[index] : 0)
            let (total, overflow2) = partial.addingReportingOverflow(carry)
            sum[index] = total
            carry = (overflow1 ? 1 : 0) + (overflow2 ? 1 : 0)
        }
        if carry != 0 { sum.append(carry) }
        return BigUInt(limbs: sum)
    }

    /// `lhs - rhs`; callers guarantee `lhs >= rhs`.
    static func - (lhs: BigUInt, rhs: BigUInt) -> BigUInt {
        var difference = lhs.limbs
        var borrow: UInt64 = 0
        for index in difference.indices {
            let (partial, overflow1) = difference[index].subtractingReportingOverflow(index < rhs.limbs.count ? rhs.limbs[index] : 0)
            let (total, overflow2) = partial.subtractingReportingOverflow(borrow)
            difference[index] = total
            borrow = (overflow1 ? 1 : 0) + (overflow2 ? 1 : 0)
        }
        return BigUInt(limbs: difference)
    }

    /// Schoolbook multiplication: operands stay within `ExactDecimal.maximumExactDigits`, where
    /// asymptotically faster methods do not pay off.
    static func * (lhs: BigUInt, rhs: BigUInt) -> BigUInt {
        guard !lhs.isZero, !rhs.isZero else { return BigUInt(0) }
        var product = [UInt64](repeating: 0, count: lhs.limbs.count + rhs.limbs.count)
        for (i, left) in lhs.limbs.enumerated() where left != 0 {
            var carry: UInt64 = 0
            for (j, right) in rhs.limbs.enumerated() {
                // left * right + product + carry <= (2^64 - 1)^2 + 2 (2^64 - 1) = 2^128 - 1: no overflow.
                let (high, low) = left.multipliedFullWidth(by: right)
                let (partial, overflow1) = low.addingReportingOverflow(product[i + j])
                let (total, overflow2) = partial.addingReportingOverflow(carry)
                product[i + j] = total
                carry = high &+ (overflow1 ? 1 : 0) &+ (overflow2 ? 1 : 0)
            }
            product[i + rhs.limbs.count] = carry
        }
        return BigUInt(limbs: product)
    }

    static func % (lhs: BigUInt, rhs: BigUInt) -> BigUInt { lhs.quotientAndRemainder(dividingBy: rhs).remainder }

    /// self = self * factor + addend, for a nonzero factor.
    mutating func multiply(by factor: UInt64, adding addend: UInt64 = 0) {
        var carry = addend
        for index in limbs.indices {
            let (high, low) = limbs[index].multipliedFullWidth(by: factor)
            let (total, overflow) = low.addingReportingOverflow(carry)
            limbs[index] = total
            carry = high &+ (overflow ? 1 : 0)
        }
        if carry != 0 { limbs.append(carry) }
    }

    /// self = self * base^exponent, a limb-sized power at a time.
    mutating func multiply(byPowerOf base: UInt64, _ exponent: Int) {
        var chunk: UInt64 = 1
        var chunkExponent = 0
        while case (let next, false) = chunk.multipliedReportingOverflow(by: base) {
            chunk = next
            chunkExponent += 1
        }
        var remaining = exponent
        while remaining >= chunkExponent {
            multiply(by: chunk)
            remaining -= chunkExponent
        }
        var last: UInt64 = 1
        for _ in 0..<max(0, remaining) { last *= base }
        multiply(by: last)
    }

    /// Divides in place by a nonzero divisor, returning the remainder.
    mutating func divide(by divisor: UInt64) -> UInt64 {
        var remainder: UInt64 = 0
        for index in limbs.indices.reversed() {
            (limbs[index], remainder) = divisor.dividingFullWidth((remainder, limbs[index]))
        }
        while let last = limbs.last, last == 0 { limbs.removeLast() }
        return remainder
    }

    /// The remainder of division by a nonzero divisor.
    func remainder(dividingBy divisor: UInt64) -> UInt64 {
        var remainder: UInt64 = 0
        for limb in limbs.reversed() { remainder = divisor.dividingFullWidth((remainder, limb)).remainder }
        return remainder
    }

    /// Divides out every factor `prime` and returns how many there were.
    mutating func removeFactors(of prime: UInt64) -> Int {
        var count = 0
        while !isZero, remainder(dividingBy: prime) == 0 {
            _ = divide(by: prime)
            count += 1
        }
        return count
    }

    /// 10^exponent mod `modulus` (nonzero) by square-and-multiply, so that huge exponents such as
    /// those of `1e999999999 % 7` cost a few dozen multiplications instead of a billion digits.
    static func powerOfTen(_ exponent: Int, modulo modulus: BigUInt) -> BigUInt {
        var result = BigUInt(1) % modulus
        var base = BigUInt(10) % modulus
        var remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result = result * base % modulus }
            remaining >>= 1
            if remaining > 0 { base = base * base % modulus }
        }
        return result
    }

    /// Long division (Knuth, TAOCP vol. 2, 4.3.1, algorithm D) by a nonzero divisor.
    func quotientAndRemainder(dividingBy divisor: BigUInt) -> (quotient: BigUInt, remainder: BigUInt) {
        if BigUInt.compare(self, divisor) < 0 { return (BigUInt(0), self) }
        if divisor.limbs.count == 1 {
            var quotient = self
            let remainder = quotient.divide(by: divisor.limbs[0])
            return (quotient, BigUInt(remainder))
        }
        // Normalise so the divisor's top bit is set: then each estimated quotient limb is at most 2 too big.
        let shift = divisor.limbs[divisor.limbs.count - 1].leadingZeroBitCount
        let v = BigUInt.shiftedLeft(divisor.limbs, by: shift, extraLimb: false)
        var u = BigUInt.shiftedLeft(limbs, by: shift, extraLimb: true)
        let n = v.count
        let m = u.count - n - 1
        let vTop = v[n - 1]
        let vNext = v[n - 2]
        var quotient = [UInt64](repeating: 0, count: m + 1)
        for j in stride(from: m, through: 0, by: -1) {
            var estimate: UInt64
            var rest: UInt64
            var restOverflowed = false
            if u[j + n] >= vTop {
                estimate = .max
                (rest, restOverflowed) = u[j + n - 1].addingReportingOverflow(vTop)
            } else {
                (estimate, rest) = vTop.dividingFullWidth((u[j + n], u[j + n - 1]))
            }
            while !restOverflowed {
                let (high, low) = estimate.multipliedFullWidth(by: vNext)
                guard high > rest || (high == rest && low > u[j + n - 2]) else { break }
                estimate -= 1
                (rest, restOverflowed) = rest.addingReportingOverflow(vTop)
            }
            var carry: UInt64 = 0
            var borrow: UInt64 = 0
            for i in 0..<n {
                let (high, low) = estimate.multipliedFullWidth(by: v[i])
                let (product, overflow) = low.addingReportingOverflow(carry)
                carry = high &+ (overflow ? 1 : 0)
                let (partial, borrow1) = u[i + j].subtractingReportingOverflow(product)
                let (total, borrow2) = partial.subtractingReportingOverflow(borrow)
                u[i + j] = total
                borrow = (borrow1 ? 1 : 0) + (borrow2 ? 1 : 0)
            }
            let (partial, borrow1) = u[j + n].subtractingReportingOverflow(carry)
            let (total, borrow2) = partial.subtractingReportingOverflow(borrow)
            u[j + n] = total
            if borrow1 || borrow2 {
                // The estimate was one too big (rare): add the divisor back.
                estimate -= 1
                var addCarry: UInt64 = 0
                for i in 0..<n {
                    let (sum1, overflow1) = u[i + j].addingReportingOverflow(v[i])
                    let (sum2, overflow2) = sum1.addingReportingOverflow(addCarry)
                    u[i + j] = sum2
                    addCarry = (overflow1 ? 1 : 0) + (overflow2 ? 1 : 0)
                }
                u[j + n] &+= addCarry
            }
            quotient[j] = estimate
        }
        var remainder = [UInt64](repeating: 0, count: n)
        for i in 0..<n {
            remainder[i] = u[i] >> shift | (i + 1 < n ? u[i + 1] << (64 - shift) : 0)
        }
        return (BigUInt(limbs: quotient), BigUInt(limbs: remainder))
    }

    /// The limbs shifted left by `shift` (0..<64) bits, with one more limb on top when `extraLimb`.
    private static func shiftedLeft(_ limbs: [UInt64], by shift: Int, extraLimb: Bool) -> [UInt64] {
        var result = [UInt64](repeating: 0, count: limbs.count + (extraLimb ? 1 : 0))
        for (index, limb) in limbs.enumerated() {
            result[index] |= limb << shift
            if index + 1 < result.count { result[index + 1] = limb >> (64 - shift) }
        }
        return result
    }
}
