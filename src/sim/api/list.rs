//! GET of one object and of collections: selectors, paging (`limit`,
//! `continue`, 410 when the continue token is too old), Tables.

use std::ops::Bound;
use std::sync::Arc;

use serde_json::Value;

use super::super::cluster::{Cluster, Key, key};
use super::super::json_cache::JsonCache;
use super::super::kind::Kind;
use super::super::pod::Pod;
use super::Ctx;
use super::selector::Selector;
use super::status::{self, Resp};
use super::table;

/// GET one object.
pub fn get(ctx: &Ctx, kind: Kind, ns: &str, name: &str) -> Resp {
    let c = ctx.lock();
    let Some(v) = c.object(kind, ns, name) else {
        return status::not_found(kind, name);
    };
    if table::wants_table(&ctx.accept) {
        let t = table::table(kind, vec![table::row(kind, &v, c.now())], c.rv, None, true);
        return status::bytes(
            200,
            table::CONTENT_TYPE,
            serde_json::to_vec(&t).unwrap_or_default(),
        );
    }
    status::json(200, &v)
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> = (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect();
    String::from_utf8(bytes?).ok()
}

/// Encode a continue token.
pub fn continue_token(rv: u64, k: &Key) -> String {
    hex(&format!("{rv}/{}/{}", k.0, k.1))
}

/// Decode a continue token: (resourceVersion, last key).
pub fn parse_continue(t: &str) -> Option<(u64, Key)> {
    let s = unhex(t)?;
    let mut it = s.splitn(3, '/');
    let rv = it.next()?.parse().ok()?;
    Some((rv, key(it.next()?, it.next()?)))
}

/// One listed object.
pub enum Item<'a> {
    /// a stored document
    Doc(&'a Arc<Value>),
    /// a pod
    Pod(&'a Pod),
}

impl Item<'_> {
    /// The object as JSON.
    pub fn value(&self) -> Arc<Value> {
        match self {
            Item::Doc(v) => Arc::clone(v),
            Item::Pod(p) => Arc::new(p.to_value()),
        }
    }

    fn write(&self, json: &JsonCache, out: &mut Vec<u8>) {
        match self {
            Item::Doc(v) => json.write(v, out),
            Item::Pod(p) => p.write_json(out),
        }
    }
}

fn bounds<'a>(
    ns: Option<&'a str>,
    after: Option<&'a Key>,
) -> (Bound<Key>, impl Fn(&Key) -> bool + 'a) {
    let lower = match (after, ns) {
        (Some(k), _) => Bound::Excluded(k.clone()),
        (None, Some(ns)) => Bound::Included(key(ns, "")),
        (None, None) => Bound::Unbounded,
    };
    (lower, move |k: &Key| ns.is_none_or(|n| k.0 == n))
}

/// Matching objects in key order, starting after `after`, at most `limit`
/// (plus whether more remain).
pub fn select<'a>(
    c: &'a Cluster,
    kind: Kind,
    ns: Option<&str>,
    sel: &Selector,
    after: Option<&Key>,
    limit: usize,
) -> (Vec<(Key, Item<'a>)>, bool) {
    let (lower, in_ns) = bounds(ns, after);
    let mut out = Vec::new();
    let mut more = false;
    let mut push = |k: &Key, item: Item<'a>| {
        if out.len() >= limit {
            more = true;
            return false;
        }
        out.push((k.clone(), item));
        true
    };
    if kind == Kind::Pod {
        for (k, p) in c.pods.range((lower, Bound::Unbounded)) {
            if !in_ns(k) {
                break;
            }
            if sel.matches(p) && !push(k, Item::Pod(p)) {
                break;
            }
        }
    } else if let Some(map) = c.docs.get(&kind) {
        for (k, v) in map.range((lower, Bound::Unbounded)) {
            if !in_ns(k) {
                break;
            }
            if sel.matches(v.as_ref()) && !push(k, Item::Doc(v)) {
                break;
            }
        }
    }
    (out, more)
}

/// GET a collection.
pub fn serve(ctx: &Ctx, kind: Kind, ns: Option<&str>) -> Resp {
    let sel = match Selector::parse(ctx.q("labelSelector"), ctx.q("fieldSelector")) {
        Ok(s) => s,
        Err(e) => return status::bad_request(&e),
    };
    let limit = ctx
        .q("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(usize::MAX);
    let after = match ctx.q("continue") {
        Some(t) => match parse_continue(t) {
            Some(x) => Some(x),
            None => return status::bad_request("invalid continue token"),
        },
        None => None,
    };
    let c = ctx.lock();
    if let Some((rv, _)) = &after
        && *rv < c.floor
    {
        let msg = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.";
        return status::error(410, "Expired", msg, None);
    }
    let (items, more) = select(&c, kind, ns, &sel, after.as_ref().map(|(_, k)| k), limit);
    let rv = c.rv;
    let cont = if more {
        items.last().map(|(k, _)| continue_token(rv, k))
    } else {
        None
    };
    if table::wants_table(&ctx.accept) {
        let now = c.now();
        let rows = items
            .iter()
            .map(|(_, i)| match i {
                Item::Pod(p) => table::pod_row(p, now),
                Item::Doc(v) => table::row(kind, v, now),
            })
            .collect();
        let t = table::table(kind, rows, rv, cont, true);
        return status::bytes(
            200,
            table::CONTENT_TYPE,
            serde_json::to_vec(&t).unwrap_or_default(),
        );
    }
    let mut out = Vec::with_capacity(256 + items.len() * 1500);
    out.extend_from_slice(format!("{{\"kind\":\"{}List\",\"apiVersion\":\"{}\",\"metadata\":{{\"resourceVersion\":\"{rv}\"", kind.info().kind, kind.api_version()).as_bytes());
    if let Some(c) = &cont {
        out.extend_from_slice(format!(",\"continue\":\"{c}\"").as_bytes());
    }
    out.extend_from_slice(b"},\"items\":[");
    for (i, (_, item)) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        item.write(&c.json, &mut out);
    }
    out.extend_from_slice(b"]}");
    drop(c);
    status::bytes(200, "application/json", out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_roundtrip() {
        let t = continue_token(42, &key("shop", "web-1"));
        assert_eq!(parse_continue(&t), Some((42, key("shop", "web-1"))));
        assert_eq!(parse_continue("zz"), None);
    }
}
