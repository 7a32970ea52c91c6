//! Process hardening that holds for every command: no core dumps (a dump of a process that
//! opened a vault would hold its plaintext), and a stack big enough that the parsers' and the
//! renderer's own limits, not the stack, decide how deep input may nest.

/// The stack of the thread that runs a command. Memory is only committed as it is used.
pub const STACK_BYTES: usize = 256 << 20;

/// Turns core dumps off for this process and what it starts (the editor inherits the limit):
/// `RLIMIT_CORE` 0, and on Linux `PR_SET_DUMPABLE` 0 (which also keeps other processes of
/// the same user from reading its memory through /proc or ptrace).
pub fn no_core_dumps() {
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit and prctl take plain values and a pointer to a live local; failing
    // leaves the process as it was (hardening is best effort).
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &raw const zero);
        #[cfg(target_os = "linux")]
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// The allocator of the `promvault` binary: the system's, except that every block is wiped
/// (set to zero) before it goes back, and a block that `realloc` moves is wiped where it was.
/// So the copies of a secret that promvault does not hold itself (the template engine's
/// values, the YAML parser's buffers, serde's strings) do not linger in freed memory, where a
/// later bug or a debugger could read them. It costs a `memset` per free.
pub struct WipingAllocator<A = std::alloc::System>(pub A);

// SAFETY: every method forwards to the inner allocator with the layout it was given; the
// wiping writes stay inside the block being freed, before it is freed.
unsafe impl<A: std::alloc::GlobalAlloc> std::alloc::GlobalAlloc for WipingAllocator<A> {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: `ptr` is a live block of `layout.size()` bytes (the caller's contract).
        unsafe {
            wipe(ptr, layout.size());
            self.0.dealloc(ptr, layout);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        // A block that shrinks in place keeps its tail: wipe it first. A block that moves
        // is copied here, so the old one can be wiped before it is freed.
        // SAFETY: `ptr` is a live block of `layout.size()` bytes; `new_layout` is valid
        // (the caller's contract for realloc); the copy is of the smaller of both sizes.
        unsafe {
            if new_size < layout.size() {
                wipe(ptr.add(new_size), layout.size() - new_size);
            }
            let new_layout =
                std::alloc::Layout::from_size_align_unchecked(new_size, layout.align());
            let new = self.0.alloc(new_layout);
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}

/// Sets `len` bytes at `ptr` to zero in a way the compiler cannot drop as a dead store.
///
/// # Safety
/// `ptr` must be valid for writes of `len` bytes.
unsafe fn wipe(ptr: *mut u8, len: usize) {
    // SAFETY: the caller's contract.
    unsafe { std::ptr::write_bytes(ptr, 0, len) };
    // the pointer escapes: the writes above must happen
    std::hint::black_box(ptr);
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

#[cfg(test)]
mod tests {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::Mutex;

    use super::WipingAllocator;

    /// An allocator that records, for each block freed, whether it was all zeros.
    struct Witness(Mutex<Vec<bool>>);

    unsafe impl GlobalAlloc for Witness {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            let bytes = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            self.0.lock().unwrap().push(bytes.iter().all(|&b| b == 0));
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[test]
    fn freed_and_moved_blocks_are_wiped() {
        let a = WipingAllocator(Witness(Mutex::new(Vec::new())));
        unsafe {
            let layout = Layout::from_size_align(64, 8).unwrap();
            let p = a.alloc(layout);
            std::ptr::write_bytes(p, b'S', 64);
            // grows (moves): the contents come along, the old block is wiped
            let q = a.realloc(p, layout, 4096);
            assert_eq!(std::slice::from_raw_parts(q, 64), &[b'S'; 64]);
            // shrinks: the kept part survives
            let big = Layout::from_size_align(4096, 8).unwrap();
            let r = a.realloc(q, big, 16);
            assert_eq!(std::slice::from_raw_parts(r, 16), &[b'S'; 16]);
            a.dealloc(r, Layout::from_size_align(16, 8).unwrap());
        }
        assert_eq!(*a.0 .0.lock().unwrap(), [true, true, true]);
    }
}
