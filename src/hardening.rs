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
