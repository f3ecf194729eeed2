#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A persistent pool of worker threads that splits a loop into chunks and runs them in parallel:
/// the fork–join the matrix products use to split their rows.
///
/// The caller's thread works too, so `KernelThreadPool(threads: 2)` starts one extra thread.
/// Chunks are claimed from a shared counter, so a worker that the OS has descheduled (this
/// machine is shared) costs nothing: the caller takes the remaining chunks, closes the job and
/// returns without waiting for a worker that never joined. Idle workers spin for a while after a
/// job — back-to-back kernel calls in a forward pass start without a system call — then sleep on
/// a condition variable. A call allocates nothing.
///
/// Which thread runs a chunk varies, but each index is processed exactly once by the same code,
/// so results do not depend on the thread count.
///
/// ```swift
/// let pool = KernelThreadPool(threads: 2)
/// pool.parallelFor(count: 576, grain: 16) { rows in
///     for r in rows { … }
/// }
/// ```
/// `parallelFor` is not reentrant and must not be called from two threads at once.
public final class KernelThreadPool: @unchecked Sendable {
    /// Threads that work on a job, the caller included.
    public let threadCount: Int
    private let spinLimit: Int
    private let generation = Atomic<Int>(0)
    private let open = Atomic<Bool>(false)
    private let active = Atomic<Int>(0)
    private let nextChunk = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// The current job (valid while `open`; published before `open` is set).
    private nonisolated(unsafe) var job: UnsafeRawPointer?
    private nonisolated(unsafe) var chunkCount = 0
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var threads: [pthread_t] = []

    /// Starts `threads − 1` workers (at least 1 thread in all).
    /// - Parameter spinIterations: polls of the job counter an idle worker makes before it sleeps
    ///   (a poll takes a few nanoseconds while the line stays in cache).
    public init(threads: Int, spinIterations: Int = 200_000) {
        threadCount = max(1, threads)
        spinLimit = spinIterations
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        for index in 1..<threadCount {
            let context = Unmanaged.passRetained(WorkerContext(pool: self, index: index)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { raw in
                let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                context.pool.workerLoop()
                return nil
            }, context)
            precondition(status == 0, "pthread_create failed: \(status)")
            self.threads.append(thread)
        }
    }

    deinit {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
        for thread in threads { pthread_join(thread, nil) }
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    private final class WorkerContext {
        unowned(unsafe) let pool: KernelThreadPool
        let index: Int
        init(pool: KernelThreadPool, index: Int) { self.pool = pool; self.index = index }
    }

    /// Calls `body` on consecutive ranges of `0..<count` (each `grain` long except perhaps the
    /// last), in parallel on the pool's threads, and returns when all have been processed.
    public func parallelFor(count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let grain = max(1, grain)
        let chunks = (count + grain - 1) / grain
        if threadCount == 1 || chunks == 1 { return body(0..<count) }
        withoutActuallyEscaping({ (chunk: Int) in
            body(chunk * grain..<min(count, (chunk + 1) * grain))
        }) { runChunk in
            withUnsafePointer(to: runChunk) { pointer in
                job = UnsafeRawPointer(pointer)
                chunkCount = chunks
                nextChunk.store(0, ordering: .relaxed)
                open.store(true, ordering: .sequentiallyConsistent)
                // Sequentially consistent here and in workerLoop: either the caller sees a
                // sleeper and wakes it, or the sleeper sees the new generation.
                generation.add(1, ordering: .sequentiallyConsistent)
                if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                    pthread_mutex_lock(mutex)
                    pthread_cond_broadcast(condition)
                    pthread_mutex_unlock(mutex)
                }
                while true {
                    let chunk = nextChunk.add(1, ordering: .relaxed).oldValue
                    if chunk >= chunks { break }
                    pointer.pointee(chunk)
                }
                // Close the job; a worker that joined before this point is finishing a chunk
                // (or about to find none), one that comes later sees it closed and leaves.
                open.store(false, ordering: .sequentiallyConsistent)
                var spins = 0
                while active.load(ordering: .sequentiallyConsistent) != 0 {
                    spins += 1
                    if spins > 20_000 { sched_yield() }
                }
                job = nil
            }
        }
    }

    /// The rows `worker` of `workers` handles when `count` rows are split into contiguous, nearly
    /// equal ranges, each starting at a multiple of `alignment`.
    @inlinable
    public static func partition(_ count: Int, worker: Int, of workers: Int, alignment: Int = 1) -> Range<Int> {
        let units = (count + alignment - 1) / alignment
        let lower = min(count, units * worker / workers * alignment)
        let upper = min(count, units * (worker + 1) / workers * alignment)
        return lower..<upper
    }

    private func workerLoop() {
        // Generation 0 is "no job yet": a worker that starts late must still see job 1.
        var seen = 0
        while true {
            var spins = 0
            var current = generation.load(ordering: .acquiring)
            while current == seen {
                if spins < spinLimit {
                    spins += 1
                    current = generation.load(ordering: .acquiring)
                } else {
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    pthread_mutex_lock(mutex)
                    while true {
                        current = generation.load(ordering: .sequentiallyConsistent)
                        if current != seen { break }
                        pthread_cond_wait(condition, mutex)
                    }
                    pthread_mutex_unlock(mutex)
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                }
            }
            seen = current
            if stopping.load(ordering: .acquiring) { return }
            // Join the job only while it is open (see the caller's close in parallelFor).
            active.add(1, ordering: .sequentiallyConsistent)
            if open.load(ordering: .sequentiallyConsistent), let job {
                let chunks = chunkCount
                while true {
                    let chunk = nextChunk.add(1, ordering: .relaxed).oldValue
                    if chunk >= chunks { break }
                    Self.invoke(job, chunk)
                }
            }
            active.subtract(1, ordering: .sequentiallyConsistent)
        }
    }

    /// Out of line so that every retain/release of the job's closure context happens before the
    /// worker leaves the job.
    @inline(never)
    private static func invoke(_ job: UnsafeRawPointer, _ chunk: Int) {
        job.assumingMemoryBound(to: ((Int) -> Void).self).pointee(chunk)
    }
}
