//! glibc malloc tuning for a server whose allocations are many small, short-lived blocks per
//! request plus one 19 MiB block per password hash. Call `tune` once, first thing in `main`.

/// Blocks at least this large are mmapped and unmapped when freed: each Argon2 hash's memory
/// goes back to the OS as soon as the hash is done.
///
/// glibc's own rule raises this threshold after the first large block is freed and then keeps
/// such blocks on the heap, where small allocations split a freed block, the next hash no
/// longer fits in it, and the heap grows (a login storm took the server from 13 MiB to
/// ~230 MiB). Fixed, peak memory is the hashes in flight, and idle memory returns to the base.
const MMAP_THRESHOLD: i32 = 1024 * 1024;

/// Free memory at the top of a heap that glibc keeps instead of handing back to the OS.
///
/// Fixing the mmap threshold also switches off glibc's rule that raises this trim threshold
/// with it, leaving the 128 KiB default: the tokio workers' heaps were then shrunk (madvise)
/// and faulted back in again and again under load. The benchmarks' `me` scenario went from
/// ~62k to up to ~78k req/s with a larger threshold, its p99 from 1.9 to 1.5–1.8 ms, and the
/// server's idle RSS stayed ~20 MiB (the hashes' blocks never live on these heaps).
const TRIM_THRESHOLD: i32 = 16 * 1024 * 1024;

/// Applies both thresholds (glibc only; other allocators keep their defaults).
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets glibc tuning parameters; any value is valid.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    }
}
