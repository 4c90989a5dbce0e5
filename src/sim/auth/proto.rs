//! Just enough protobuf to read a SelfSubjectAccessReview as kubectl sends it:
//! `k8s\0` + runtime.Unknown{raw = 2} + SelfSubjectAccessReview{spec = 2}.

use serde_json::{Map, Value, json};

fn varint(b: &[u8], i: &mut usize) -> Option<u64> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*i)?;
        *i += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Length-delimited fields (wire type 2) of a message, by number; other
/// wire types are skipped.
pub fn fields(b: &[u8]) -> Option<Vec<(u64, &[u8])>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let tag = varint(b, &mut i)?;
        match tag & 7 {
            0 => {
                varint(b, &mut i)?;
            }
            1 => i += 8,
            2 => {
                let len = usize::try_from(varint(b, &mut i)?).ok()?;
                let end = i.checked_add(len)?;
                out.push((tag >> 3, b.get(i..end)?));
                i = end;
            }
            5 => i += 4,
            _ => return None,
        }
    }
    Some(out)
}

fn field(b: &[u8], n: u64) -> Option<&[u8]> {
    fields(b)?
        .into_iter()
        .find(|(k, _)| *k == n)
        .map(|(_, v)| v)
}

fn strings(b: &[u8], names: &[(u64, &str)]) -> Option<Value> {
    let mut m = Map::new();
    for (n, v) in fields(b)? {
        if let Some((_, name)) = names.iter().find(|(k, _)| *k == n) {
            m.insert((*name).to_string(), json!(String::from_utf8_lossy(v)));
        }
    }
    Some(Value::Object(m))
}

/// The `spec` of a protobuf SelfSubjectAccessReview, as JSON.
pub fn ssar_spec(body: &[u8]) -> Option<Value> {
    let unknown = body.strip_prefix(b"k8s\0")?;
    let raw = field(unknown, 2)?;
    let spec = field(raw, 2)?;
    let mut out = Map::new();
    if let Some(ra) = field(spec, 1) {
        let names = [
            (1, "namespace"),
            (2, "verb"),
            (3, "group"),
            (4, "version"),
            (5, "resource"),
            (6, "subresource"),
            (7, "name"),
        ];
        out.insert("resourceAttributes".into(), strings(ra, &names)?);
    }
    if let Some(nr) = field(spec, 2) {
        out.insert(
            "nonResourceAttributes".into(),
            strings(nr, &[(1, "path"), (2, "verb")])?,
        );
    }
    Some(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ld(n: u8, v: &[u8]) -> Vec<u8> {
        let mut o = vec![(n << 3) | 2, v.len() as u8];
        o.extend_from_slice(v);
        o
    }

    #[test]
    fn decodes_can_i() {
        let ra = [
            ld(1, b"shop"),
            ld(2, b"get"),
            ld(3, b"apps"),
            ld(5, b"deployments"),
        ]
        .concat();
        let spec = ld(1, &ra);
        let raw = [ld(1, b""), ld(2, &spec)].concat();
        let unknown = [ld(1, b"\x0a\x00"), ld(2, &raw)].concat();
        let body = [b"k8s\0".to_vec(), unknown].concat();
        let s = ssar_spec(&body).unwrap_or_default();
        assert_eq!(s["resourceAttributes"]["verb"], "get");
        assert_eq!(s["resourceAttributes"]["resource"], "deployments");
        assert_eq!(s["resourceAttributes"]["namespace"], "shop");
    }
}
