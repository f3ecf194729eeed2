#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a GGUF file: a read-only memory mapping of the file, or an in-memory copy (tests).
///
/// The mapping lives as long as this object; everything that hands out pointers into it
/// (`GGUFFile`, `GGUFArray`) keeps a reference.
final class GGUFStorage: @unchecked Sendable {
    let base: UnsafeRawPointer
    let count: Int
    private let mapped: Bool

    /// Maps `path` read-only. The pages are loaded by the kernel on first touch, not read here.
    init(mapping path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw GGUFError(offset: 0, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw GGUFError(offset: 0, "cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw GGUFError(offset: 0, "\(path) is not a regular file")
        }
        let size = Int(info.st_size)
        guard size > 0 else { throw GGUFError(offset: 0, "\(path) is empty") }
        let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let pointer, pointer != MAP_FAILED else {
            throw GGUFError(offset: 0, "cannot map \(path): \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(pointer)
        count = size
        mapped = true
    }

    /// A private copy of `bytes`.
    init(copying bytes: some Collection<UInt8>) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        _ = buffer.initializeMemory(as: UInt8.self, from: bytes)
        base = UnsafeRawPointer(buffer.baseAddress!)
        count = bytes.count
        mapped = false
    }

    deinit {
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}

/// A bounds-checked little-endian cursor over the file: every read first checks the bytes left,
/// so no count read from the file can make it allocate or read past the end.
struct GGUFCursor {
    let bytes: UnsafeRawBufferPointer
    var offset: Int

    var remaining: Int { bytes.count - offset }

    mutating func need(_ n: Int, _ what: @autoclosure () -> String) throws {
        guard n >= 0, n <= remaining else {
            throw GGUFError(offset: offset, "file ends inside \(what()) (needs \(n) bytes, \(remaining) left)")
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try need(MemoryLayout<T>.size, what())
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    /// A count stored as uint64, checked against the bytes left after it: each counted item takes
    /// at least `minItemSize` bytes, so a count that cannot fit is refused before any allocation.
    mutating func readCount(_ what: String, minItemSize: Int) throws -> Int {
        let start = offset
        let raw = try read(UInt64.self, what)
        let limit = remaining / minItemSize
        guard raw <= UInt64(limit) else {
            throw GGUFError(offset: start, "\(what) \(raw) is impossible: at most \(limit) fit in the \(remaining) bytes left")
        }
        return Int(raw)
    }

    /// The byte range of a GGUF string (uint64 length + bytes), checked against the bytes left.
    mutating func readStringRange(_ what: String) throws -> Range<Int> {
        let start = offset
        let raw = try read(UInt64.self, "length of \(what)")
        guard raw <= UInt64(remaining) else {
            throw GGUFError(offset: start, "length \(raw) of \(what) exceeds the \(remaining) bytes left")
        }
        let range = offset..<(offset + Int(raw))
        offset += Int(raw)
        return range
    }

    /// A GGUF string decoded as UTF-8 (invalid sequences are an error: keys and names must be text).
    mutating func readString(_ what: String) throws -> String {
        let start = offset
        let range = try readStringRange(what)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
        guard let s = String(validating: slice.bindMemory(to: UInt8.self), as: UTF8.self) else {
            throw GGUFError(offset: start, "\(what) is not valid UTF-8")
        }
        return s
    }
}
