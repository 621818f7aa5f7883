//! The process's own CPU time and resident memory, read from `/proc/self` at each `/metrics`
//! scrape, under the names the Prometheus client libraries use:
//! - `process_cpu_seconds_total` (user + system time of every thread since start);
//! - `process_resident_memory_bytes`.
//!
//! `showroom advisor` divides requests by CPU seconds to get what one CPU serves for the
//! measured route mix. On systems without `/proc` (not Linux) nothing is recorded.

/// Clock ticks per second of `/proc/self/stat`'s `utime` and `stime`. Linux fixes USER_HZ at 100
/// for user space on every architecture it supports, whatever the kernel's internal HZ.
const TICKS_PER_SECOND: f64 = 100.0;

/// Sets both gauges from `/proc/self`; a value that cannot be read is left as it was.
pub(crate) fn record() {
    if let Some(seconds) = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| cpu_seconds(&stat))
    {
        // A gauge under a counter's name: the value is read, not accumulated, at each scrape.
        metrics::gauge!("process_cpu_seconds_total").set(seconds);
    }
    if let Some(bytes) = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| resident_bytes(&status))
    {
        metrics::gauge!("process_resident_memory_bytes").set(bytes);
    }
}

/// `utime + stime` in seconds. Fields are counted after the command name, which sits in
/// parentheses and may itself contain spaces or parentheses.
fn cpu_seconds(stat: &str) -> Option<f64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace();
    // After the name: state(3) ppid … minflt … utime is field 14 and stime 15 of the whole line,
    // i.e. the 12th and 13th after the name.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) as f64 / TICKS_PER_SECOND)
}

/// `VmRSS` of `/proc/self/status`, which states its unit (kB).
fn resident_bytes(status: &str) -> Option<f64> {
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let mut parts = line["VmRSS:".len()..].split_whitespace();
    let kib: u64 = parts.next()?.parse().ok()?;
    (parts.next()? == "kB").then_some(kib as f64 * 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_is_read_after_a_command_name_with_spaces_and_parentheses() {
        let stat = "4242 (show (room) x) S 1 4242 4242 0 -1 4194560 1500 0 0 0 250 75 0 0 20 0 9 0";
        assert_eq!(cpu_seconds(stat), Some(3.25));
        assert_eq!(cpu_seconds("garbage"), None);
    }

    #[test]
    fn resident_memory_is_read_in_the_unit_the_kernel_states() {
        let status = "Name:\tshowroom\nVmRSS:\t   20480 kB\nThreads:\t9\n";
        assert_eq!(resident_bytes(status), Some(20_971_520.0));
        assert_eq!(resident_bytes("VmRSS:\t12 MB\n"), None);
    }

    #[test]
    fn this_process_has_cpu_time_and_memory_on_linux() {
        if !std::path::Path::new("/proc/self/stat").exists() {
            eprintln!("skipping: no /proc on this system");
            return;
        }
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
        assert!(cpu_seconds(&stat).is_some_and(|s| s >= 0.0));
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        assert!(resident_bytes(&status).is_some_and(|b| b > 1_000_000.0));
    }
}
