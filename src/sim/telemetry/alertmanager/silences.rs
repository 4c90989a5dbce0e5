//! Silences: creation with Alertmanager 0.25's validation, states, expiry.

use serde::{Deserialize, Serialize};

use super::{AmMatcher, LabelSet};

/// Silence state at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SilenceState {
    Pending,
    Active,
    Expired,
}

/// A stored silence.
#[derive(Debug, Clone, PartialEq)]
pub struct Silence {
    pub id: String,
    pub matchers: Vec<AmMatcher>,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub updated_at_ms: i64,
    pub created_by: String,
    pub comment: String,
}

/// Why a silence was refused (HTTP 400 or 404).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SilenceError {
    #[error("{0}")]
    Invalid(String),
    #[error("silence {0} not found")]
    NotFound(String),
}

impl Silence {
    pub fn state(&self, now_ms: i64) -> SilenceState {
        if self.ends_at_ms <= now_ms {
            SilenceState::Expired
        } else if self.starts_at_ms > now_ms {
            SilenceState::Pending
        } else {
            SilenceState::Active
        }
    }

    pub fn matches(&self, labels: &LabelSet) -> bool {
        self.matchers.iter().all(|m| m.matches(labels))
    }
}

impl super::Alertmanager {
    /// Create or update a silence as `POST /api/v2/silences` does; returns its id.
    pub fn set_silence(&mut self, mut s: Silence, now_ms: i64) -> Result<String, SilenceError> {
        if s.starts_at_ms >= s.ends_at_ms {
            return Err(SilenceError::Invalid(
                "failed to create silence: start time must be before end time".into(),
            ));
        }
        if s.ends_at_ms < now_ms {
            return Err(SilenceError::Invalid(
                "failed to create silence: end time can't be in the past".into(),
            ));
        }
        if s.matchers.is_empty() {
            return Err(SilenceError::Invalid(
                "silence invalid: at least one matcher required".into(),
            ));
        }
        if s.matchers.iter().all(|m| m.matches_value("")) {
            return Err(SilenceError::Invalid(
                "silence invalid: at least one matcher must not match the empty string".into(),
            ));
        }
        if s.starts_at_ms < now_ms {
            s.starts_at_ms = now_ms;
        }
        s.updated_at_ms = now_ms;
        if !s.id.is_empty() {
            let Some(pos) = self.silences.iter().position(|x| x.id == s.id) else {
                return Err(SilenceError::NotFound(s.id.clone()));
            };
            let old_state = self.silences[pos].state(now_ms);
            let same_matchers = self.silences[pos].matchers == s.matchers;
            if old_state != SilenceState::Expired
                && (same_matchers || old_state == SilenceState::Pending)
            {
                self.silences[pos] = s.clone();
                return Ok(s.id);
            }
            // Otherwise the old silence is expired and a new one created.
            self.expire_at(pos, now_ms);
        }
        s.id = uuid::Uuid::new_v4().to_string();
        let id = s.id.clone();
        self.silences.push(s);
        Ok(id)
    }

    fn expire_at(&mut self, pos: usize, now_ms: i64) {
        if let Some(s) = self.silences.get_mut(pos) {
            match s.state(now_ms) {
                SilenceState::Active => s.ends_at_ms = now_ms,
                SilenceState::Pending => {
                    s.starts_at_ms = now_ms;
                    s.ends_at_ms = now_ms;
                }
                SilenceState::Expired => {}
            }
            s.updated_at_ms = now_ms;
        }
    }

    /// Expire a silence as `DELETE /api/v2/silence/{id}` does.
    pub fn expire_silence(&mut self, id: &str, now_ms: i64) -> Result<(), SilenceError> {
        let Some(pos) = self.silences.iter().position(|x| x.id == id) else {
            return Err(SilenceError::NotFound(id.to_string()));
        };
        if self.silences[pos].state(now_ms) == SilenceState::Expired {
            return Err(SilenceError::Invalid(format!(
                "silence {id} already expired"
            )));
        }
        self.expire_at(pos, now_ms);
        Ok(())
    }

    /// Silences in the order the v2 API lists them: active (ending soonest
    /// first), pending (starting soonest first), expired (most recent first).
    pub fn sorted_silences(&self, now_ms: i64) -> Vec<&Silence> {
        let mut v: Vec<&Silence> = self.silences.iter().collect();
        v.sort_by_key(|s| match s.state(now_ms) {
            SilenceState::Active => (0, s.ends_at_ms),
            SilenceState::Pending => (1, s.starts_at_ms),
            SilenceState::Expired => (2, -s.ends_at_ms),
        });
        v
    }
}
