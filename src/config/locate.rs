//! Turning byte offsets and key paths into `line:column` positions.
//!
//! TOML errors from serde carry a byte span; errors found after parsing
//! (min > max, a URL without scheme) carry a key path. Both are turned into a
//! 1-based line and column by looking at the original text.

use toml::de::{DeTable, DeValue};

/// A 1-based position in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// Renders a key path as `regions[0].prometheus.url`.
pub fn render_path(path: &[PathSeg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathSeg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The line and column of a byte offset in `text`.
pub fn position_of(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before
        .get(line_start..)
        .map(|s| s.chars().count())
        .unwrap_or(0)
        + 1;
    Position { line, column }
}

/// Finds where a key path is written in a TOML document: the key itself when
/// it exists, else the nearest enclosing table that does.
pub fn locate(text: &str, path: &[PathSeg]) -> Option<Position> {
    let root = DeTable::parse(text).ok()?;
    let mut best = None;
    let mut table: &DeTable<'_> = root.get_ref();
    let mut value: Option<&DeValue<'_>> = None;
    for seg in path {
        let next = match (seg, value) {
            (PathSeg::Key(k), None) => find_key(table, k),
            (PathSeg::Key(k), Some(DeValue::Table(t))) => find_key(t, k),
            (PathSeg::Index(i), Some(DeValue::Array(a))) => a.get(*i).map(|v| (v.span().start, v)),
            _ => None,
        };
        let Some((start, v)) = next else { break };
        best = Some(start);
        if let DeValue::Table(t) = v.get_ref() {
            table = t;
        }
        value = Some(v.get_ref());
    }
    best.map(|offset| position_of(text, offset))
}

fn find_key<'a, 'i>(
    table: &'a DeTable<'i>,
    key: &str,
) -> Option<(usize, &'a toml::Spanned<DeValue<'i>>)> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(k, v)| (k.span().start, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(position_of(text, 0), Position { line: 1, column: 1 });
        assert_eq!(position_of(text, 6), Position { line: 2, column: 1 });
        assert_eq!(position_of(text, 11), Position { line: 2, column: 6 });
    }

    #[test]
    fn locates_keys_inside_arrays_of_tables() {
        let text = "[ui]\ntheme = \"x\"\n\n[[regions]]\nname = \"a\"\n\n[[regions]]\nname = \"b\"\n[regions.prometheus]\nurl = \"nope\"\n";
        let path = [
            PathSeg::Key("regions".into()),
            PathSeg::Index(1),
            PathSeg::Key("prometheus".into()),
            PathSeg::Key("url".into()),
        ];
        assert_eq!(
            locate(text, &path),
            Some(Position {
                line: 10,
                column: 1
            })
        );
        assert_eq!(render_path(&path), "regions[1].prometheus.url");
        let missing = [
            PathSeg::Key("regions".into()),
            PathSeg::Index(0),
            PathSeg::Key("zzz".into()),
        ];
        assert_eq!(locate(text, &missing).map(|p| p.line), Some(4));
    }
}
