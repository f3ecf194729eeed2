#if canImport(Glibc)
import Glibc

// glibc exports it, but the Glibc module only declares it under _GNU_SOURCE.
@_silgen_name("pthread_getattr_np")
private func pthreadGetAttributes(_ thread: pthread_t, _ attributes: UnsafeMutablePointer<pthread_attr_t>) -> Int32

/// Per-thread cache of the stack's low end: on the main thread glibc finds it by reading
/// /proc/self/maps, far too slow to repeat for every validation.
private let stackLowKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()
#elseif canImport(Darwin)
import Darwin
#endif

/// How much of the current thread's stack a recursive evaluation may use, so a deep instance on a
/// thread with a small stack (512 KB for secondary threads) gives an error instead of a crash.
struct StackBudget {
    /// Stack address at the start; the stack grows down from here.
    let start: UInt
    /// Bytes that may be used below `start`.
    let bytes: UInt

    /// Safety margin left untouched for the error path and the runtime.
    private static let margin: UInt = 64 * 1024

    init() {
        var marker = 0
        let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        start = here
        var low: UInt = 0
        #if canImport(Glibc)
        if let cached = pthread_getspecific(stackLowKey) {
            low = UInt(bitPattern: cached)
        } else {
            var attributes = pthread_attr_t()
            if pthreadGetAttributes(pthread_self(), &attributes) == 0 {
                var address: UnsafeMutableRawPointer?
                var size = 0
                if pthread_attr_getstack(&attributes, &address, &size) == 0, let address {
                    low = UInt(bitPattern: address)
                }
                pthread_attr_destroy(&attributes)
            }
            pthread_setspecific(stackLowKey, UnsafeRawPointer(bitPattern: low))
        }
        #elseif canImport(Darwin)
        let top = UInt(bitPattern: pthread_get_stackaddr_np(pthread_self()))
        low = top - UInt(pthread_get_stacksize_np(pthread_self()))
        #endif
        // Unknown stack bounds: assume 512 KB, the smallest common thread stack.
        let available = low > 0 && low < here ? here - low : 512 * 1024
        bytes = available > Self.margin * 2 ? available - Self.margin : available / 2
    }

    /// True while the caller's frame is within budget.
    @inline(__always)
    func hasRoom() -> Bool {
        var marker = 0
        let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        return here >= start || start - here < bytes
    }
}
