//! Containing panics: a bug met while processing one file, module or rule becomes an error
//! message instead of an aborted run.
//!
//! [`contain`] runs a step under `catch_unwind`. The first call installs a panic hook that
//! wraps the previous one: while the current thread is inside `contain`, a panic's message
//! and location are recorded for the error entry and nothing is printed; any other panic
//! (a real crash, a failing test) goes to the previous hook as before.
//!
//! Invariant: a step given to `contain` leaves no shared state half-updated that the run
//! uses afterwards: each step builds its own value and the caller discards it on a panic.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// How many `contain` calls the current thread is inside.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// The message of the last contained panic of this thread.
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if DEPTH.with(Cell::get) == 0 {
                previous(info);
                return;
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_owned());
            let message = match info.location() {
                Some(at) => format!("{message} (at {}:{})", at.file(), at.line()),
                None => message,
            };
            LAST.with(|last| *last.borrow_mut() = Some(message));
        }));
    });
}

/// Runs `step`; a panic in it is returned as its message instead of unwinding further.
pub(super) fn contain<T>(step: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    DEPTH.with(|d| d.set(d.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(step));
    DEPTH.with(|d| d.set(d.get() - 1));
    result.map_err(|_| {
        LAST.with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| "a panic without a message".to_owned())
    })
}

/// The error message of a contained panic.
pub(super) fn internal_error(stage: &str, message: &str) -> String {
    format!("internal error in {stage}: {message}; please report")
}

/// Test hook: makes the named step of the named stage panic. Only compiled for unit tests.
/// Process-wide (the step may run on a pool thread), so arming it also takes a lock that
/// serialises the tests using it.
#[cfg(test)]
pub(super) mod inject {
    use std::sync::{Mutex, MutexGuard, PoisonError};

    static SERIAL: Mutex<()> = Mutex::new(());
    static AT: Mutex<Option<(String, String)>> = Mutex::new(None);

    /// Holds the injection (and the test lock) until dropped.
    pub struct Armed(#[allow(dead_code)] MutexGuard<'static, ()>);

    impl Drop for Armed {
        fn drop(&mut self) {
            *AT.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
    }

    /// Makes `stage` panic when it processes `name` (a file path or a rule id), until the
    /// returned guard is dropped; `None` arms nothing but still takes the lock.
    pub fn set(at: Option<(&str, &str)>) -> Armed {
        let guard = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
        *AT.lock().unwrap_or_else(PoisonError::into_inner) =
            at.map(|(s, n)| (s.to_owned(), n.to_owned()));
        Armed(guard)
    }

    /// Panics when this is the chosen point; `name` is only called in tests.
    pub fn point(stage: &str, name: impl FnOnce() -> String) {
        let name = name();
        let hit = AT
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_some_and(|(s, n)| s == stage && *n == name);
        assert!(!hit, "injected failure in {stage} of {name}");
    }
}

/// Without unit tests there is no injection point.
#[cfg(not(test))]
pub(super) mod inject {
    #[inline]
    pub fn point(_stage: &str, _name: impl FnOnce() -> String) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contained_panic_is_its_message_and_the_thread_goes_on() {
        let r: Result<(), String> = contain(|| panic!("boom {}", 42));
        let message = r.unwrap_err();
        assert!(
            message.starts_with("boom 42 (at src/check/contain.rs:"),
            "{message}"
        );
        assert_eq!(contain(|| 7), Ok(7));
        // Nested: the inner panic is contained by the inner call.
        let outer = contain(|| contain(|| panic!("inner")).unwrap_err());
        assert!(outer.unwrap().starts_with("inner"));
    }
}
