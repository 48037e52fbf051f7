//! What the soak samples from `/proc/<pid>`: resident memory, threads and open
//! file descriptors (Linux only).

use std::path::Path;

/// One reading of a process's resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resources {
    /// Resident set size, bytes (`VmRSS` in `/proc/<pid>/status`).
    pub rss_bytes: u64,
    /// Threads (`Threads` in `/proc/<pid>/status`).
    pub threads: u64,
    /// Entries of `/proc/<pid>/fd`.
    pub open_fds: u64,
}

/// Reads [`Resources`] of `pid`.
pub fn read(pid: u32) -> Result<Resources, String> {
    let dir = Path::new("/proc").join(pid.to_string());
    let status = std::fs::read_to_string(dir.join("status"))
        .map_err(|e| format!("cannot read /proc/{pid}/status: {e}"))?;
    let (rss_bytes, threads) = parse_status(&status)?;
    let open_fds = std::fs::read_dir(dir.join("fd"))
        .map_err(|e| format!("cannot list /proc/{pid}/fd: {e}"))?
        .count() as u64;
    Ok(Resources {
        rss_bytes,
        threads,
        open_fds,
    })
}

/// `(VmRSS in bytes, Threads)` from the text of `/proc/<pid>/status`.
pub fn parse_status(status: &str) -> Result<(u64, u64), String> {
    let field = |name: &str| -> Result<u64, String> {
        let line = status
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .ok_or_else(|| format!("no {name} in /proc status"))?;
        let number = line.split_whitespace().next().unwrap_or("");
        number
            .parse()
            .map_err(|_| format!("{name} is not a number: {line:?}"))
    };
    Ok((field("VmRSS")? * 1024, field("Threads")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_fields_are_parsed_in_bytes() {
        let status = "Name:\tsupervm-node\nVmRSS:\t   51200 kB\nThreads:\t17\n";
        assert_eq!(parse_status(status).unwrap(), (51200 * 1024, 17));
        assert!(parse_status("Name: x\nThreads: 3\n").is_err());
        assert!(parse_status("VmRSS: lots kB\nThreads: 3\n").is_err());
    }

    #[test]
    fn this_process_can_be_read() {
        let r = read(std::process::id()).unwrap();
        assert!(
            r.rss_bytes > 0 && r.threads >= 1 && r.open_fds >= 3,
            "{r:?}"
        );
    }
}
