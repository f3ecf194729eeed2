#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A persistent pool of worker threads that runs one job on all of them at once and returns when
/// every part is done: the fork–join the matrix products split their rows with.
///
/// The caller's thread is worker 0, so `KernelThreadPool(threads: 2)` starts one extra thread.
/// Idle workers spin for a while after a job — back-to-back kernel calls during a
/// forward pass then start without a system call — and then sleep on a condition variable. A call
/// allocates nothing.
///
/// ```swift
/// let pool = KernelThreadPool(threads: 2)
/// pool.run { worker, workers in
///     let rows = KernelThreadPool.partition(576, worker: worker, of: workers)
///     for r in rows { … }
/// }
/// ```
/// `run` is not reentrant and must not be called from two threads at once.
public final class KernelThreadPool: @unchecked Sendable {
    /// Workers per job, the caller included.
    public let threadCount: Int
    private let spinLimit: Int
    private let generation = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// The current job, valid while `pending` > 0 (published by the release on `generation`).
    private nonisolated(unsafe) var job: UnsafeRawPointer?
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
                context.pool.workerLoop(index: context.index)
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

    /// Runs `body(worker, workers)` once on each worker (0..<threadCount) in parallel, the caller
    /// being worker 0, and returns when all have returned.
    public func run(_ body: (_ worker: Int, _ workers: Int) -> Void) {
        if threadCount == 1 { return body(0, 1) }
        withoutActuallyEscaping(body) { body in
            withUnsafePointer(to: body) { pointer in
                job = UnsafeRawPointer(pointer)
                pending.store(threadCount - 1, ordering: .relaxed)
                // Sequentially consistent on both sides (here and in workerLoop) so that either the
                // caller sees a sleeper and wakes it, or the sleeper sees the new generation.
                generation.add(1, ordering: .sequentiallyConsistent)
                if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                    pthread_mutex_lock(mutex)
                    pthread_cond_broadcast(condition)
                    pthread_mutex_unlock(mutex)
                }
                pointer.pointee(0, threadCount)
                // On an oversubscribed machine a worker may be descheduled: after a while, yield
                // the core to it rather than spin against it.
                var spins = 0
                while pending.load(ordering: .acquiring) != 0 {
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

    private func workerLoop(index: Int) {
        // Generation 0 is "no job yet": a worker that starts late must still run job 1.
        var seen = 0
        while true {
            var spins = 0
            var current = generation.load(ordering: .acquiring)
            while current == seen {
                if spins < spinLimit {
                    spins += 1
                    Self.pause()
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
            Self.invoke(job!, index, threadCount)
            pending.subtract(1, ordering: .releasing)
        }
    }

    /// Out of line so that every retain/release of the job's closure context happens before the
    /// worker reports completion.
    @inline(never)
    private static func invoke(_ job: UnsafeRawPointer, _ worker: Int, _ workers: Int) {
        job.assumingMemoryBound(to: ((Int, Int) -> Void).self).pointee(worker, workers)
    }

    /// A spin-wait step. (`_mm_pause` is a Clang library builtin that Swift cannot call, so the
    /// loop re-reads the atomic; on these cores without SMT siblings that costs only power.)
    @inline(__always)
    static func pause() {}
}
