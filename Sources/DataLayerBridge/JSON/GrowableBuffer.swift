#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Raw, growable storage of trivial elements, behind the parser's node list and the writer's bytes.
///
/// `Array.append` checks uniqueness and capacity on every call, which on the hot path costs more than
/// the work it guards; owners of this storage check uniqueness once per document (copy-on-write by
/// hand, see ``GrowableBuffer/copy()``) and then append through raw pointers.
final class GrowableBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<Element>
    var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 64) {
        self.capacity = Swift.max(capacity, 16)
        self.base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// A private copy, for a writer whose storage is shared with another copy of it.
    func copy() -> GrowableBuffer {
        let clone = GrowableBuffer(capacity: capacity)
        clone.base.update(from: base, count: count)
        clone.count = count
        return clone
    }

    /// Makes room for `additional` more elements.
    @inline(__always)
    func reserve(_ additional: Int) {
        if count + additional > capacity { grow(to: count + additional) }
    }

    private func grow(to minimum: Int) {
        var newCapacity = capacity * 2
        while newCapacity < minimum { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    func append(_ element: Element) {
        if count == capacity { grow(to: count + 1) }
        (base + count).initialize(to: element)
        count &+= 1  // below capacity, which is an allocation's size: no overflow to check
    }

    var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }
}

extension GrowableBuffer where Element == UInt8 {
    /// Appends raw bytes with one `memcpy`.
    @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count)
        memcpy(base + count, source, bytes.count)
        count += bytes.count
    }
}
