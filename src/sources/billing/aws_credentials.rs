//! The AWS credentials of one Cost Explorer source, kept between polls:
//! looked up on a blocking thread, and looked up again only when what they
//! came from changed (the AWS variables, or the shared-credentials file's
//! length or modification time).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use aws_credential_types::Credentials;

use super::aws_cost_explorer;

/// Everything a lookup depends on. Equal keys give equal credentials.
#[derive(Debug, Clone, PartialEq)]
struct Key {
    vars: [Option<String>; 4],
    file: Option<PathBuf>,
    /// Length and modification time; `None` when the file cannot be read.
    stamp: Option<(u64, SystemTime)>,
}

#[derive(Debug, Default)]
pub struct CredentialCache {
    last: Option<(Key, Result<Credentials, String>)>,
}

impl CredentialCache {
    /// The credentials for `profile`; `file` stands in for the default
    /// shared-credentials file. Blocking work runs on `spawn_blocking`.
    pub async fn get(
        &mut self,
        profile: Option<String>,
        file: Option<PathBuf>,
    ) -> Result<Credentials, String> {
        let mut cache = std::mem::take(self);
        let (result, cache) = tokio::task::spawn_blocking(move || {
            let env = |k: &str| match (k, &file) {
                ("AWS_SHARED_CREDENTIALS_FILE", Some(f)) => Some(f.display().to_string()),
                _ => std::env::var(k).ok(),
            };
            let r = cache.lookup(profile.as_deref(), &env);
            (r, cache)
        })
        .await
        .map_err(|e| format!("AWS credentials: {e}"))?;
        *self = cache;
        result
    }

    /// Like [`CredentialCache::get`], on the calling thread, with the
    /// environment given as a function.
    pub fn lookup(
        &mut self,
        profile: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Credentials, String> {
        let file = aws_cost_explorer::shared_credentials_file(env);
        let key = Key {
            vars: [
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN",
                "AWS_PROFILE",
            ]
            .map(env),
            stamp: file.as_deref().and_then(stamp),
            file,
        };
        if let Some((k, r)) = &self.last
            && *k == key
        {
            return r.clone();
        }
        let r = aws_cost_explorer::credentials(profile, env);
        self.last = Some((key, r.clone()));
        r
    }
}

fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, key_id: &str, modified: SystemTime) {
        let text = format!("[default]\naws_access_key_id = {key_id}\naws_secret_access_key = S\n");
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
        let f = std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap_or_else(|e| panic!("{e}"));
        f.set_modified(modified).unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn the_file_is_read_again_only_when_it_changes() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("credentials");
        let shown = path.display().to_string();
        let env = move |k: &str| (k == "AWS_SHARED_CREDENTIALS_FILE").then(|| shown.clone());
        let t0 = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000);
        let id =
            |c: &mut CredentialCache| c.lookup(None, &env).map(|c| c.access_key_id().to_string());

        let mut cache = CredentialCache::default();
        assert!(id(&mut cache).is_err(), "no file yet");
        write(&path, "AKID1", t0);
        assert_eq!(id(&mut cache).as_deref(), Ok("AKID1"), "the file appeared");
        // New contents behind the same length and time: the kept answer.
        write(&path, "AKID2", t0);
        assert_eq!(id(&mut cache).as_deref(), Ok("AKID1"));
        // The file changed: read again.
        write(&path, "AKID2", t0 + std::time::Duration::from_secs(1));
        assert_eq!(id(&mut cache).as_deref(), Ok("AKID2"));
    }

    #[test]
    fn environment_credentials_need_no_file() {
        let env = |k: &str| match k {
            "AWS_ACCESS_KEY_ID" => Some("AKENV".to_string()),
            "AWS_SECRET_ACCESS_KEY" => Some("S".to_string()),
            "AWS_SHARED_CREDENTIALS_FILE" => Some("/nonexistent/credentials".to_string()),
            _ => None,
        };
        let c = CredentialCache::default().lookup(None, &env);
        assert_eq!(
            c.map(|c| c.access_key_id().to_string()).as_deref(),
            Ok("AKENV")
        );
    }
}
