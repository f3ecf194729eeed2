import Synchronization
import XCTest

@testable import Kernels

final class ThreadPoolTests: XCTestCase {
    /// Every worker runs each job exactly once and `run` returns only after all have finished;
    /// many back-to-back jobs exercise the spin path, a pause longer than the spin the sleep path.
    func testEveryWorkerRunsEachJobOnce() {
        for threads in [1, 2, 3] {
            let pool = KernelThreadPool(threads: threads, spinIterations: 1_000)
            let counts = UnsafeMutablePointer<Int>.allocate(capacity: threads)
            counts.initialize(repeating: 0, count: threads)
            defer { counts.deallocate() }
            for round in 0..<400 {
                pool.run { worker, workers in
                    XCTAssertEqual(workers, threads)
                    counts[worker] += 1
                }
                for w in 0..<threads { XCTAssertEqual(counts[w], round + 1) }
                if round % 100 == 0 { usleep(20_000) }  // let workers fall asleep
            }
        }
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
            pool.run { worker, _ in sum.add(worker + 1, ordering: .relaxed) }
            XCTAssertEqual(sum.load(ordering: .relaxed), 3)
        }
    }
}
