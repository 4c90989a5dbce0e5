//! glibc malloc settings for a process that lists big clusters. Under the
//! defaults, every freed list page (megabytes of JSON and objects) raises
//! glibc's mmap threshold, so later pages come from per-thread arenas that
//! keep the memory; with 100k pods across 8 clusters the console's peak RSS
//! was ~135 MB for ~75 MB of heap. A fixed threshold sends big buffers to
//! mmap (returned on free) and two arenas bound the per-thread caches: the
//! same sync then peaks near 100 MB, in the same time (README, P3).

/// Applies the settings; call first in `main`, before any thread starts.
/// Elsewhere than glibc this does nothing.
#[allow(unsafe_code)]
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        /// Buffers from this size on are mmapped and returned to the system
        /// when freed. Setting it also turns off glibc's dynamic threshold.
        const MMAP_THRESHOLD: i32 = 256 * 1024;
        /// Arenas for the runtime's threads (glibc's default is 8 per core).
        const ARENA_MAX: i32 = 2;
        // SAFETY: mallopt only sets allocator parameters; it takes plain
        // integers, touches no memory of ours, and reports failure by return.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
            libc::mallopt(libc::M_ARENA_MAX, ARENA_MAX);
        }
    }
}
