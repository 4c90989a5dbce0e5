//! Each stored document's JSON, kept by the document's address: a list
//! copies the bytes instead of serializing the document again. Documents
//! are immutable once stored (a change stores a new `Arc`), and the cache
//! holds a `Weak` to each, which keeps its allocation from being reused
//! by another document while the entry lives. An hour of events is ~2,000
//! documents a cluster, listed again by every console that starts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use serde_json::Value;

#[derive(Debug, Default)]
pub struct JsonCache {
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    by_address: HashMap<usize, (Weak<Value>, Arc<[u8]>)>,
    /// Dropped documents' entries are pruned when the map outgrows this.
    prune_at: usize,
}

impl JsonCache {
    /// Appends `doc`'s JSON to `out`, serializing it only the first time.
    pub fn write(&self, doc: &Arc<Value>, out: &mut Vec<u8>) {
        let mut e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let at = Arc::as_ptr(doc) as usize;
        if let Some((weak, bytes)) = e.by_address.get(&at)
            && weak.upgrade().is_some_and(|d| Arc::ptr_eq(&d, doc))
        {
            out.extend_from_slice(bytes);
            return;
        }
        let bytes: Arc<[u8]> = serde_json::to_vec(doc.as_ref()).unwrap_or_default().into();
        out.extend_from_slice(&bytes);
        e.by_address.insert(at, (Arc::downgrade(doc), bytes));
        if e.by_address.len() > e.prune_at {
            e.by_address.retain(|_, (weak, _)| weak.strong_count() > 0);
            e.prune_at = (e.by_address.len() * 2).max(1_024);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .by_address
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_written_as_serde_writes_it_and_a_new_one_anew() {
        let cache = JsonCache::default();
        let a = Arc::new(serde_json::json!({"kind": "Event", "message": "a \"quoted\" one"}));
        let mut out = Vec::new();
        cache.write(&a, &mut out);
        cache.write(&a, &mut out);
        let one = serde_json::to_vec(a.as_ref()).unwrap_or_default();
        assert_eq!(
            out,
            [one.clone(), one].concat(),
            "served twice, the same bytes"
        );
        assert_eq!(cache.len(), 1);
        // A changed document is a new Arc: written from its own content.
        let b = Arc::new(serde_json::json!({"kind": "Event", "message": "b"}));
        drop(a);
        let mut out = Vec::new();
        cache.write(&b, &mut out);
        assert_eq!(out, serde_json::to_vec(b.as_ref()).unwrap_or_default());
    }

    #[test]
    fn entries_of_dropped_documents_are_pruned() {
        let cache = JsonCache::default();
        let mut out = Vec::new();
        for n in 0..3_000 {
            let d = Arc::new(serde_json::json!({ "n": n }));
            cache.write(&d, &mut out);
        }
        assert!(cache.len() <= 2_048, "{} entries kept", cache.len());
    }
}
