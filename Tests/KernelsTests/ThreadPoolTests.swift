import Synchronization
import XCTest

@testable import Kernels

final class ThreadPoolTests: XCTestCase {
    /// Every index of every job is processed exactly once and `parallelFor` returns only after all
    /// have been; many back-to-back jobs exercise the spin path, pauses longer than the spin the
    /// sleep path, and odd counts the short last chunk.
    func testEveryIndexRunsExactlyOnce() {
        for threads in [1, 2, 3] {
            let pool = KernelThreadPool(threads: threads, spinIterations: 1_000)
            let counts = UnsafeMutablePointer<Int>.allocate(capacity: 1000)
            defer { counts.deallocate() }
            for round in 0..<400 {
                let count = [1, 5, 37, 1000][round % 4]
                counts.initialize(repeating: 0, count: count)
                pool.parallelFor(count: count, grain: round % 7 + 1) { range in
                    for i in range { counts[i] += 1 }
                }
                for i in 0..<count { XCTAssertEqual(counts[i], 1, "threads \(threads) round \(round) index \(i)") }
                if round % 100 == 0 { usleep(20_000) }  // let workers fall asleep
            }
        }
    }

    /// Both threads take part when chunks are slow (the worker is not just idle).
    func testWorkIsShared() {
        let pool = KernelThreadPool(threads: 2)
        let threadsSeen = Mutex<Set<UInt>>([])
        for _ in 0..<20 {
            pool.parallelFor(count: 8, grain: 1) { _ in
                usleep(2_000)
                let me = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(bitPattern: UInt(pthread_self()))))
                threadsSeen.withLock { _ = $0.insert(me) }
            }
        }
        XCTAssertEqual(threadsSeen.withLock { $0.count }, 2)
    }

    func testPartitionCoversRangeDisjointly() {
        for count in [0, 1, 7, 576, 1537] {
            for workers in 1...4 {
                for alignment in [1, 16] {
                    var covered: [Int] = []
                    var previousUpper = 0
                    for w in 0..<workers {
                        let r = KernelThreadPool.partition(count, worker: w, of: workers, alignment: alignment)
                        XCTAssertEqual(r.lowerBound, previousUpper)
                        if r.lowerBound < count { XCTAssertEqual(r.lowerBound % alignment, 0) }
                        previousUpper = r.upperBound
                        covered += Array(r)
                    }
                    XCTAssertEqual(covered, Array(0..<count))
                }
            }
        }
    }

    func testPoolShutsDownCleanly() {
        for _ in 0..<20 {
            let pool = KernelThreadPool(threads: 2, spinIterations: 10)
            let sum = Atomic<Int>(0)
            pool.parallelFor(count: 64, grain: 4) { range in sum.add(range.count, ordering: .relaxed) }
            XCTAssertEqual(sum.load(ordering: .relaxed), 64)
        }
    }
}
