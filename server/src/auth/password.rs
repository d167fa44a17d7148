//! Password hashing with Argon2id (OWASP Password Storage Cheat Sheet: m=19 MiB, t=2, p=1),
//! on a few dedicated, lower-priority threads, so a login storm can neither starve request
//! handling nor grow the server's memory.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use std::sync::{Arc, LazyLock, Mutex};

use anyhow::Context;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

#[allow(
    clippy::expect_used,
    reason = "constant parameters, valid for Argon2 (the tests hash with them)"
)]
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP Argon2id parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a random password, verified against when the email is unknown so that unknown
/// accounts take as long as wrong passwords (OWASP Authentication Cheat Sheet).
#[allow(
    clippy::expect_used,
    reason = "hashing an ASCII password with valid parameters cannot fail"
)]
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let password = uuid::Uuid::new_v4().simple().to_string();
    hash_now(&password).expect("hashing a generated password cannot fail")
});

fn hash_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| anyhow::anyhow!("argon2 hashing failed: {error}"))
}

fn verify_now(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

type Job = Box<dyn FnOnce() + Send>;

/// Hashes and verifies on `threads` threads of its own, queueing the rest.
///
/// Not tokio's blocking pool, for two reasons the benchmarks showed (README, Benchmarks). Each
/// hash allocates 19 MiB; spread over the pool's many threads, the allocator kept freed blocks
/// in many per-thread arenas, and a login storm grew the server from 13 MiB to ~480 MiB. A
/// fixed few threads reuse the same few blocks. And at the workers' priority, two hashes on two
/// cores delayed every other request by a scheduler slice; at a lower one, request handling
/// takes a core back as soon as it has work.
#[derive(Clone)]
pub struct PasswordHasher {
    jobs: mpsc::Sender<Job>,
}

impl PasswordHasher {
    /// Starts `threads` hashing threads; they stop when the last clone of the hasher is dropped.
    pub fn new(threads: usize) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        // The guard is a temporary of this statement: released before the job runs.
                        let next = queue
                            .lock()
                            .map_err(drop)
                            .and_then(|q| q.recv().map_err(drop));
                        let Ok(job) = next else { return };
                        // A panicking job drops its answer channel (its caller gets an error),
                        // and the thread lives on.
                        let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
                    }
                })?;
        }
        Ok(Self { jobs })
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let (answer, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // A caller that has gone (client disconnected) no longer needs its hash.
            if !answer.is_closed() {
                let _ = answer.send(work());
            }
        });
        self.jobs
            .send(job)
            .map_err(|_| anyhow::anyhow!("password hasher stopped"))?;
        result.await.context("password hashing task failed")
    }

    /// A PHC string (algorithm, parameters and salt travel with the hash).
    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let password = password.to_owned();
        self.run(move || hash_now(&password)).await?
    }

    /// Whether `password` matches `hash`; with no hash (unknown account) a dummy verify runs
    /// and the answer is `false`.
    pub async fn verify(&self, password: &str, hash: Option<String>) -> anyhow::Result<bool> {
        let password = password.to_owned();
        self.run(move || match hash {
            Some(hash) => verify_now(&password, &hash),
            None => {
                verify_now(&password, &DUMMY_HASH);
                false
            }
        })
        .await
    }
}

/// Nice 10 for the calling thread (on Linux, `setpriority` with a thread id changes only that
/// thread): the async workers win a contended core, hashing gets every idle cycle.
#[cfg(target_os = "linux")]
fn lower_priority() {
    // SAFETY: both calls only read their integer arguments and touch no memory of ours.
    let done = unsafe { libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 10) };
    if done != 0 {
        tracing::warn!(error = %std::io::Error::last_os_error(), "could not lower the password hashing threads' priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hasher = PasswordHasher::new(2).unwrap();
        let hash = hasher.hash("correct horse battery").await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            hasher
                .verify("correct horse battery", Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("wrong horse battery", Some(hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify() {
        let hasher = PasswordHasher::new(1).unwrap();
        assert!(!hasher.verify("anything at all", None).await.unwrap());
    }
}
