#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex for the process-wide caches of compiled artifacts (`Synchronization.Mutex` needs
/// macOS 15; the package supports 14).
///
/// ```swift
/// let lock = PosixLock()
/// let n = lock.withLock { 42 }
/// ```
final class PosixLock: @unchecked Sendable {
    private let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    init() { m.initialize(to: pthread_mutex_t()); pthread_mutex_init(m, nil) }
    deinit { pthread_mutex_destroy(m); m.deinitialize(count: 1); m.deallocate() }

    /// Runs `body` holding the lock.
    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return body()
    }
}
