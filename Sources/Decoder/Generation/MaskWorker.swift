import Foundation

/// A thread that runs one fixed job on request, so the grammar mask of step t can be computed
/// while the forward pass of step t runs (the mask depends only on the tokens accepted so far,
/// the logits only on the model). Requests cost two semaphore operations and no allocation.
final class MaskWorker: @unchecked Sendable {
    private let request = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let job: () -> Void
    private var stopping = false
    private var thread: Thread?

    /// `job` runs on the worker thread each time `start()` is called; it must not touch what the
    /// caller uses between `start()` and `wait()`.
    init(job: @escaping () -> Void) {
        self.job = job
        let t = Thread { [request, done, unowned self] in
            while true {
                request.wait()
                if self.stopping { done.signal(); return }
                self.job()
                done.signal()
            }
        }
        t.name = "structgen.mask"
        t.stackSize = 8 << 20   // the Earley parser recurses in debug builds
        thread = t
        t.start()
    }

    func start() { request.signal() }
    func wait() { done.wait() }

    /// Ends the thread (waits for it); call once, when no job is running.
    func stop() {
        stopping = true
        request.signal()
        done.wait()
    }
}
