//! Running a command and measuring it: wall time, CPU time and peak resident memory of the
//! whole process, from `wait4`'s `rusage` (Linux; no crate needed for two calls).

use std::io;
use std::os::unix::process::CommandExt as _;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// One measured run.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub wall: Duration,
    /// User + system CPU time.
    pub cpu: Duration,
    /// Peak resident set size, KiB (`ru_maxrss`).
    pub max_rss_kib: u64,
    /// How it ended.
    pub end: End,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Exit(i32),
    Signal(i32),
    TimedOut,
}

#[repr(C)]
#[derive(Default)]
struct Timeval {
    tv_sec: i64,
    tv_usec: i64,
}

/// `struct rusage` on 64-bit Linux: two timevals, then fourteen `long`s.
#[repr(C)]
#[derive(Default)]
struct Rusage {
    ru_utime: Timeval,
    ru_stime: Timeval,
    ru_maxrss: i64,
    rest: [i64; 13],
}

extern "C" {
    fn wait4(pid: i32, status: *mut i32, options: i32, rusage: *mut Rusage) -> i32;
    fn kill(pid: i32, sig: i32) -> i32;
}

const SIGKILL: i32 = 9;

fn duration(t: &Timeval) -> Duration {
    Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
        + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
}

/// Runs `cmd` to its end (or kills its process group after `timeout`) and measures it. The
/// command's stdio must not be a pipe that nobody reads: redirect it to a file or null.
/// The wait is a blocking `wait4` (no polling, so no quantised wall times); a watchdog
/// thread enforces the time limit.
pub fn run(cmd: &mut Command, timeout: Option<Duration>) -> io::Result<Sample> {
    cmd.process_group(0);
    let start = Instant::now();
    let child = cmd.spawn()?;
    let pid = i32::try_from(child.id()).map_err(io::Error::other)?;
    let timed_out = Arc::new(AtomicBool::new(false));
    let (done, finished) = mpsc::channel::<()>();
    let watchdog = timeout.map(|limit| {
        let timed_out = Arc::clone(&timed_out);
        thread::spawn(move || {
            if finished.recv_timeout(limit) == Err(RecvTimeoutError::Timeout) {
                timed_out.store(true, Ordering::SeqCst);
                // SAFETY: signals the process group created for the child, not yet reaped.
                unsafe { kill(-pid, SIGKILL) };
            }
        })
    });
    let mut status = 0;
    let mut usage = Rusage::default();
    loop {
        // SAFETY: `status` and `usage` are valid for writes and `pid` is our own child,
        // which nothing else waits for (the `Child` handle is dropped without waiting).
        let r = unsafe { wait4(pid, &raw mut status, 0, &raw mut usage) };
        if r == pid {
            break;
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
    let wall = start.elapsed();
    let _ = done.send(());
    if let Some(w) = watchdog {
        let _ = w.join();
    }
    drop(child);
    let signal = status & 0x7f;
    let end = if timed_out.load(Ordering::SeqCst) {
        End::TimedOut
    } else if signal == 0 {
        End::Exit((status >> 8) & 0xff)
    } else {
        End::Signal(signal)
    };
    Ok(Sample {
        wall,
        cpu: duration(&usage.ru_utime) + duration(&usage.ru_stime),
        max_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        end,
    })
}

/// The median of some durations (the mean of the middle two for an even count).
pub fn median(values: &[Duration]) -> Duration {
    let mut v = values.to_vec();
    v.sort_unstable();
    match v.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2,
    }
}

/// The median of some integers.
pub fn median_u64(values: &[u64]) -> u64 {
    let mut v = values.to_vec();
    v.sort_unstable();
    match v.len() {
        0 => 0,
        n if n % 2 == 1 => v[n / 2],
        n => v[n / 2 - 1].midpoint(v[n / 2]),
    }
}
