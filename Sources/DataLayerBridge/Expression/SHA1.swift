#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// SHA-1 (FIPS 180-4), for name-based UUIDs (RFC 4122 version 5) only: SHA-1 is broken for
/// signatures, but a UUID needs a stable spread, not collision resistance.
///
/// Contiguous input is hashed 64 bytes at a time where it lies: the default mapping derives an id
/// from the whole record text of every push without an `event_id`.
struct SHA1 {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
    /// The bytes of an unfinished block: fewer than 64.
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    init() {
        pending.reserveCapacity(64)
    }

    /// The 20-byte digest of `bytes`.
    static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var sha = SHA1()
        sha.update(bytes)
        return sha.finish()
    }

    mutating func update(_ bytes: some Sequence<UInt8>) {
        if bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) != nil { return }
        for byte in bytes {
            length &+= 8
            pending.append(byte)
            if pending.count == 64 { compressPending() }
        }
    }

    private mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count) &* 8
        var offset = 0
        if !pending.isEmpty {
            offset = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[..<offset])
            guard pending.count == 64 else { return }
            compressPending()
        }
        while bytes.count - offset >= 64 {
            Self.compress(&state, UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 64)]))
            offset += 64
        }
        pending.append(contentsOf: bytes[offset...])
    }

    mutating func finish() -> [UInt8] {
        let bits = length
        pending.append(0x80)
        if pending.count > 56 {
            pending += [UInt8](repeating: 0, count: 64 - pending.count)
            compressPending()
        }
        pending += [UInt8](repeating: 0, count: 56 - pending.count)
        for shift in stride(from: 56, through: 0, by: -8) { pending.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        compressPending()
        var digest: [UInt8] = []
        for word in [state.0, state.1, state.2, state.3, state.4] {
            for shift in stride(from: 24, through: 0, by: -8) { digest.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
        }
        return digest
    }

    private mutating func compressPending() {
        pending.withUnsafeBytes { Self.compress(&state, $0) }
        pending.removeAll(keepingCapacity: true)
    }

    /// One 64-byte block into `state`. The rounds are unrolled five at a time with the working
    /// variables' roles rotated through the arguments (after five rounds they are back where they
    /// started), so no round moves four of them one place along: about half the instructions of
    /// the textbook loop, which matters for the default mapping's ids of pushes without
    /// `event_id`, each hashing the whole record text. Each group of twenty rounds has its own loop,
    /// its function passed in and inlined: one loop choosing the function by group cost 10 % more
    /// on such a log.
    private static func compress(_ state: inout (UInt32, UInt32, UInt32, UInt32, UInt32), _ block: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            for i in 0..<16 { w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
            schedule(w)
            var (a, b, c, d, e) = state
            for i in stride(from: 0, to: 20, by: 5) { fiveRounds(w, i, 0x5A82_7999, &a, &b, &c, &d, &e, choose) }
            for i in stride(from: 20, to: 40, by: 5) { fiveRounds(w, i, 0x6ED9_EBA1, &a, &b, &c, &d, &e, parity) }
            for i in stride(from: 40, to: 60, by: 5) { fiveRounds(w, i, 0x8F1B_BCDC, &a, &b, &c, &d, &e, majority) }
            for i in stride(from: 60, to: 80, by: 5) { fiveRounds(w, i, 0xCA62_C1D6, &a, &b, &c, &d, &e, parity) }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e)
        }
    }

    /// Words 16 to 79 of the message schedule in `w`, from the first sixteen.
    @inline(__always)
    static func schedule(_ w: UnsafeMutableBufferPointer<UInt32>) {
        #if arch(x86_64)
        // Four words at a time with SSE2, the schedule being a quarter of a block's instructions
        // word by word. The fourth word of a group needs the group's first (`w[t + 3]` reads
        // `w[t]`): it is computed with that term as zero, then given it.
        guard let base = w.baseAddress else { return }
        let raw = UnsafeMutableRawPointer(base)
        for t in stride(from: 16, to: 80, by: 4) {
            base[t] = 0
            let x = _mm_xor_si128(
                _mm_xor_si128(raw.loadUnaligned(fromByteOffset: 4 * (t - 3), as: __m128i.self),
                              raw.loadUnaligned(fromByteOffset: 4 * (t - 8), as: __m128i.self)),
                _mm_xor_si128(raw.loadUnaligned(fromByteOffset: 4 * (t - 14), as: __m128i.self),
                              raw.loadUnaligned(fromByteOffset: 4 * (t - 16), as: __m128i.self)))
            raw.storeBytes(of: _mm_or_si128(_mm_slli_epi32(x, 1), _mm_srli_epi32(x, 31)), toByteOffset: 4 * t, as: __m128i.self)
            base[t + 3] ^= base[t] << 1 | base[t] >> 31
        }
        #else
        portableSchedule(w)
        #endif
    }

    /// ``schedule(_:)`` a word at a time: other machines' schedule, and the reference the
    /// vector one is tested against.
    static func portableSchedule(_ w: UnsafeMutableBufferPointer<UInt32>) {
        for i in 16..<80 {
            let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
            w[i] = x << 1 | x >> 31
        }
    }

    /// Rounds `i` to `i + 4` of a group with round function `function` and constant `constant`.
    /// Each round's sum goes to its `e` and its rotation to its `b`; the variables are passed on in
    /// their next roles, so that after five rounds they are back in theirs.
    @inline(__always)
    private static func fiveRounds(_ w: UnsafeMutableBufferPointer<UInt32>, _ i: Int, _ constant: UInt32,
                                   _ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32, _ e: inout UInt32,
                                   _ function: (UInt32, UInt32, UInt32) -> UInt32) {
        round(function(b, c, d), a, &b, &e, w[i] &+ constant)
        round(function(a, b, c), e, &a, &d, w[i + 1] &+ constant)
        round(function(e, a, b), d, &e, &c, w[i + 2] &+ constant)
        round(function(d, e, a), c, &d, &b, w[i + 3] &+ constant)
        round(function(c, d, e), b, &c, &a, w[i + 4] &+ constant)
    }

    /// One round: `e` takes the round's sum, `b` its rotation. The round's function of `b`, `c`
    /// and `d` comes first, worked out before `b` is lent to the round.
    @inline(__always)
    private static func round(_ function: UInt32, _ a: UInt32, _ b: inout UInt32, _ e: inout UInt32, _ word: UInt32) {
        e = e &+ (a << 5 | a >> 27) &+ function &+ word
        b = b << 30 | b >> 2
    }

    /// The first rounds' function, in its three-operation form.
    @inline(__always)
    private static func choose(_ b: UInt32, _ c: UInt32, _ d: UInt32) -> UInt32 { d ^ (b & (c ^ d)) }

    /// The second and fourth rounds' function.
    @inline(__always)
    private static func parity(_ b: UInt32, _ c: UInt32, _ d: UInt32) -> UInt32 { b ^ c ^ d }

    /// The third rounds' function, in its four-operation form.
    @inline(__always)
    private static func majority(_ b: UInt32, _ c: UInt32, _ d: UInt32) -> UInt32 { (b & c) | (d & (b | c)) }
}
