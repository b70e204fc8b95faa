//! Ctrl-C during a long `:run`: while the line editor reads, Ctrl-C is a key (it clears the
//! line); while the session computes, it arrives as SIGINT, which would end the process. The
//! interactive loop installs a handler that only raises a flag, and simulations poll it.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

#[cfg(unix)]
extern "C" fn on_sigint(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Makes SIGINT raise the flag instead of ending the process.
pub fn install() {
    #[cfg(unix)]
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_sigint as *const () as libc::sighandler_t);
    }
}

/// Forgets an interrupt that came before the current computation.
pub fn clear() {
    INTERRUPTED.store(false, Ordering::SeqCst);
}

/// Whether Ctrl-C was pressed since the last [`clear`] (and clears it).
pub fn take() -> bool {
    INTERRUPTED.swap(false, Ordering::SeqCst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn sigint_raises_the_flag_instead_of_ending_the_process() {
        install();
        clear();
        // SAFETY: raising a signal whose handler was just installed.
        unsafe {
            libc::raise(libc::SIGINT);
        }
        assert!(take());
        assert!(!take(), "taking clears the flag");
    }
}
