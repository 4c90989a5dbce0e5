//! The pod-template hash: FNV-32a of the normalised template (plus the
//! collision count), written in the Kubernetes safe alphabet as the API
//! server does (`rand.SafeEncodeString` of the decimal number).

use serde_json::Value;

use super::rng::ALPHANUMS;

/// FNV-32a.
pub fn fnv32a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Encode a number as Kubernetes does for hashes.
pub fn safe_encode(n: u32) -> String {
    n.to_string()
        .bytes()
        .map(|b| char::from(ALPHANUMS[usize::from(b) % ALPHANUMS.len()]))
        .collect()
}

/// The pod-template-hash of a (normalised, hash-free) template.
pub fn pod_template_hash(template: &Value, collision_count: u32) -> String {
    // serde_json maps are ordered by key, so this text is canonical.
    let mut text = serde_json::to_vec(template).unwrap_or_default();
    if collision_count > 0 {
        text.extend_from_slice(collision_count.to_string().as_bytes());
    }
    safe_encode(fnv32a(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable() {
        let t = serde_json::json!({"a": 1});
        assert_eq!(pod_template_hash(&t, 0), pod_template_hash(&t, 0));
        assert_ne!(pod_template_hash(&t, 0), pod_template_hash(&t, 1));
        assert!(
            pod_template_hash(&t, 0)
                .bytes()
                .all(|b| ALPHANUMS.contains(&b))
        );
        assert_eq!(fnv32a(b""), 0x811c_9dc5);
    }
}
