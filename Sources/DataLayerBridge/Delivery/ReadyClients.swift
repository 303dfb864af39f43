/// Clients that have an envelope waiting and none in flight, ordered by the time their pacer lets
/// them send next, then by when they became ready (so ties go first-come, first-served): a binary
/// min-heap, because a replay can have hundreds of thousands of clients waiting at once.
struct ReadyClients {
    private struct Entry {
        let time: Double
        let sequence: Int
        let client: String

        func precedes(_ other: Entry) -> Bool { (time, sequence) < (other.time, other.sequence) }
    }

    private var heap: [Entry] = []
    private var sequence = 0

    var isEmpty: Bool { heap.isEmpty }

    /// Adds `client`, which may send from `time` on.
    mutating func insert(_ client: String, at time: Double) {
        sequence += 1
        heap.append(Entry(time: time, sequence: sequence, client: client))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the client that may send soonest.
    mutating func removeFirst() -> String? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first.client
    }
}
