//! How the properties run: a case count or a time per property, a counted report, and a guard
//! around every parser call that fails a case which panics, runs too long or allocates too
//! much.
//!
//! - `PROMVAULT_PROPTEST_CASES`: cases per property (default [`DEFAULT_CASES`], the CI run);
//! - `PROMVAULT_PROPTEST_SECONDS`: run each property for this long instead (the long mode,
//!   `scripts/fuzz-long`), in chunks of the case count;
//! - `PROMVAULT_PROPTEST_REPORT`: a file to which each property appends `name cases`.

use std::{
    alloc::{GlobalAlloc, Layout, System},
    cell::Cell,
    fmt::Debug,
    io::Write as _,
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use proptest::{
    strategy::Strategy,
    test_runner::{Config, TestCaseError, TestError, TestRunner},
};

/// Cases per property in CI.
pub const DEFAULT_CASES: u32 = 48;

/// How much CPU time one call of a parser may use before it counts as a hang. Generous: the
/// build is unoptimized; a real hang runs for ever.
pub const HANG: Duration = Duration::from_secs(20);

/// The most one call may allocate at once on arbitrary input: eight times the least scalar
/// text the YAML budget allows any document (an alias bomb stopped by the budget stays far
/// below), plus 64 bytes per input byte.
pub fn memory_bound(input_len: usize) -> usize {
    8 * promvault::yaml::Budget::MIN_TEXT + 64 * input_len
}

/// Past this a guarded thread's allocation fails outright (the process aborts, naming the
/// size), so that a runaway parser cannot take the machine down before the bound is checked.
const HARD_CAP: isize = 3 << 30;

// ---------------------------------------------------------------------------------------------
// Counting allocator: the live and peak bytes of the current thread.
// ---------------------------------------------------------------------------------------------

pub struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

fn track(delta: isize) -> bool {
    LIVE.try_with(|live| {
        let now = live.get() + delta;
        if delta > 0 && now > HARD_CAP && GUARDED.try_with(Cell::get).unwrap_or(false) {
            return false;
        }
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
        true
    })
    .unwrap_or(true)
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counters are
// thread-local cells without destructors.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !track(layout.size() as isize) {
            return std::ptr::null_mut();
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !track(layout.size() as isize) {
            return std::ptr::null_mut();
        }
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        track(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !track(new_size as isize - layout.size() as isize) {
            return std::ptr::null_mut();
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Runs `f` on its own thread (with the stack the binary gives its commands) and returns its
/// result; fails the case when it panics, uses more than [`HANG`] of CPU time (or waits
/// [`WAIT`] without finishing), or allocates more than [`memory_bound`] of `input_len` at any
/// one time. CPU time, not elapsed time, decides: the long mode runs niced on a busy machine.
pub fn guarded<T: Send + 'static>(
    input_len: usize,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, TestCaseError> {
    guarded_within(HANG, WAIT, input_len, f)
}

/// How long a call may go on without finishing at all (blocked, not computing).
pub const WAIT: Duration = Duration::from_secs(600);

enum Report<T> {
    Clock(libc::clockid_t),
    Done(std::thread::Result<T>, isize),
}

/// The CPU time the thread with this clock has used.
fn cpu_time(clock: libc::clockid_t) -> Option<Duration> {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a live local; a clock of a thread that has ended gives an error.
    let ok = unsafe { libc::clock_gettime(clock, &raw mut t) } == 0;
    ok.then(|| Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
}

/// [`guarded`] with other limits.
fn guarded_within<T: Send + 'static>(
    cpu: Duration,
    wait: Duration,
    input_len: usize,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, TestCaseError> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .stack_size(promvault::hardening::STACK_BYTES)
        .spawn(move || {
            let mut clock: libc::clockid_t = 0;
            // SAFETY: asks for the calling thread's own CPU clock, into a live local.
            if unsafe { libc::pthread_getcpuclockid(libc::pthread_self(), &raw mut clock) } == 0 {
                let _ = tx.send(Report::Clock(clock));
            }
            GUARDED.with(|g| g.set(true));
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let peak = PEAK.with(Cell::get);
            let _ = tx.send(Report::Done(result, peak));
        })
        .expect("a thread");
    let started = Instant::now();
    let mut clock = None;
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(Report::Clock(c)) => clock = Some(c),
            Ok(Report::Done(Ok(value), peak)) => {
                let bound = memory_bound(input_len);
                if peak as usize > bound {
                    return Err(TestCaseError::fail(format!(
                        "allocated {peak} bytes at once (bound {bound})"
                    )));
                }
                return Ok(value);
            }
            Ok(Report::Done(Err(panic), _)) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                    .unwrap_or_default();
                return Err(TestCaseError::fail(format!("panicked: {message}")));
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(TestCaseError::fail("the thread ended without a result"));
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if let Some(used) = clock.and_then(cpu_time).filter(|used| *used > cpu) {
                    return Err(TestCaseError::fail(format!(
                        "still running after {:.1} s of CPU time",
                        used.as_secs_f64()
                    )));
                }
                if started.elapsed() > wait {
                    return Err(TestCaseError::fail(format!(
                        "still running (not computing) after {} s",
                        wait.as_secs()
                    )));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running a property
// ---------------------------------------------------------------------------------------------

fn env_number(name: &str) -> Option<f64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Runs `test` on values of `strategy`: [`DEFAULT_CASES`] cases or as the environment says.
/// Panics with the shrunk failing value.
pub fn check<S>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: Debug,
{
    let cases = env_number("PROMVAULT_PROPTEST_CASES").map_or(DEFAULT_CASES, |n| n as u32);
    let deadline = env_number("PROMVAULT_PROPTEST_SECONDS")
        .map(|s| Instant::now() + Duration::from_secs_f64(s));
    let ran = AtomicU64::new(0);
    // Past the deadline the rest of a chunk is skipped (not counted).
    let counted = |value: S::Value| {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(());
        }
        ran.fetch_add(1, Ordering::Relaxed);
        test(value)
    };
    let mut chunks = 0u64;
    let outcome = loop {
        // a runner per chunk (each with a fresh random seed): one runner stops at its count
        let mut runner = TestRunner::new(Config {
            cases: cases.max(1),
            failure_persistence: None,
            max_shrink_iters: 4096,
            ..Config::default()
        });
        let result = runner.run(&strategy, counted);
        chunks += 1;
        match (result, deadline) {
            (Ok(()), Some(deadline)) if Instant::now() < deadline => continue,
            (result, _) => break result,
        }
    };
    let total = ran.load(Ordering::Relaxed);
    report(name, total, outcome.is_ok());
    match outcome {
        Ok(()) => {}
        Err(TestError::Fail(reason, value)) => {
            panic!("property `{name}` failed after {total} calls ({chunks} runs): {reason}\nminimal input: {value:#?}")
        }
        Err(TestError::Abort(reason)) => panic!("property `{name}` aborted: {reason}"),
    }
}

fn report(name: &str, cases: u64, passed: bool) {
    let line = format!("{name} {cases} {}\n", if passed { "ok" } else { "FAILED" });
    if let Some(path) = std::env::var_os("PROMVAULT_PROPTEST_REPORT") {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = f.write_all(line.as_bytes());
        }
    }
}

/// The guard itself: each way a case can go wrong is caught.
#[test]
fn the_guard_catches_panics_hangs_and_allocations() {
    let message = |r: Result<(), TestCaseError>| match r {
        Err(TestCaseError::Fail(reason)) => reason.message().to_string(),
        other => panic!("not caught: {other:?}"),
    };
    assert!(message(guarded(0, || panic!("boom"))).contains("panicked: boom"));
    let spin = guarded_within(Duration::from_millis(300), WAIT, 0, || {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            std::hint::spin_loop();
        }
    });
    assert!(message(spin).contains("of CPU time"));
    let blocked = guarded_within(HANG, Duration::from_millis(300), 0, || {
        std::thread::sleep(Duration::from_secs(2));
    });
    assert!(message(blocked).contains("not computing"));
    let big = memory_bound(0) + (1 << 20);
    let hog = guarded(0, move || {
        let v = vec![1u8; big];
        drop(std::hint::black_box(v));
    });
    assert!(message(hog).contains("allocated"));
    // and a case within the bounds passes, its value returned
    assert_eq!(guarded(3, || vec![0u8; 1 << 20].len()).unwrap(), 1 << 20);
}
