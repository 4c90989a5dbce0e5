//! FOCUS 1.x CSV exports (FinOps Open Cost and Usage Specification), any
//! provider: a directory of files read with the `csv` crate, incrementally —
//! a file is parsed again only when its size or modification time changes,
//! and once per process however many regions' sources read the same
//! directory (each keeps its own region's lines).
//! Malformed rows are reported with file and line and skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::SystemTime;

use serde::Deserialize;

use crate::model::CostLine;

/// The columns read, borrowed from the one record every row is read into
/// (an export holds millions of rows; each used to allocate its record and
/// seven strings).
#[derive(Debug, Deserialize)]
struct Row<'a> {
    #[serde(rename = "BilledCost")]
    billed_cost: Option<f64>,
    #[serde(rename = "EffectiveCost")]
    effective_cost: Option<f64>,
    #[serde(rename = "BillingCurrency", borrow)]
    currency: Option<&'a str>,
    #[serde(rename = "ChargePeriodStart")]
    charge_period_start: &'a str,
    #[serde(rename = "ProviderName", borrow)]
    provider: Option<&'a str>,
    #[serde(rename = "RegionId", borrow)]
    region: Option<&'a str>,
    #[serde(rename = "Tags", borrow)]
    tags: Option<&'a str>,
}

/// One file as last read: its size and mtime, lines and warnings.
#[derive(Debug)]
struct Parsed {
    len: u64,
    modified: Option<SystemTime>,
    /// Lines by their `RegionId` and cluster tag: a region's reader copies
    /// only its own.
    by_region: BTreeMap<(String, Option<String>), Vec<CostLine>>,
    warnings: Vec<String>,
}

impl Parsed {
    fn is(&self, len: u64, modified: Option<SystemTime>) -> bool {
        self.len == len && self.modified == modified
    }
}

/// Every file parsed in this process, shared by the readers of every region.
static PARSED: LazyLock<Mutex<BTreeMap<PathBuf, Arc<Parsed>>>> =
    LazyLock::new(|| Mutex::new(BTreeMap::new()));

/// Reads a directory of FOCUS files, remembering what it has read.
#[derive(Debug, Default)]
pub struct FocusReader {
    seen: BTreeMap<PathBuf, Arc<Parsed>>,
}

/// Which tag names a service: the first present of these keys.
const SERVICE_TAGS: &[&str] = &["service", "app", "app.kubernetes.io/name"];

impl FocusReader {
    /// Lines of every file in `dir` (new or changed files are parsed), and
    /// the warnings for skipped rows.
    pub fn read(&mut self, dir: &Path) -> Result<(Vec<CostLine>, Vec<String>), String> {
        self.read_where(dir, None)
    }

    /// [`read`](Self::read), keeping only the lines of one `RegionId` that
    /// belong to one of `clusters` (their cluster tag names it) or to no
    /// cluster (untagged): several clusters in one cloud region each get
    /// their own cost, and with hundreds of regions reading one directory
    /// each copies its own lines, not the whole fleet's.
    pub fn read_region(
        &mut self,
        dir: &Path,
        region: &str,
        clusters: &[String],
    ) -> Result<(Vec<CostLine>, Vec<String>), String> {
        self.read_where(dir, Some((region, clusters)))
    }

    fn read_where(
        &mut self,
        dir: &Path,
        only: Option<(&str, &[String])>,
    ) -> Result<(Vec<CostLine>, Vec<String>), String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
            .collect();
        files.sort();
        // `files` is sorted: membership by binary search, not a scan of
        // path comparisons per file.
        let listed = |p: &PathBuf| files.binary_search(p).is_ok();
        self.seen.retain(|p, _| listed(p));
        // Held while parsing: a second region's reader waits, then finds
        // the file parsed.
        let mut shared = PARSED.lock().unwrap_or_else(|p| p.into_inner());
        shared.retain(|p, _| p.parent() != Some(dir) || listed(p));
        for path in &files {
            let meta = std::fs::metadata(path).ok();
            let len = meta.as_ref().map(|m| m.len()).unwrap_or(0);
            let modified = meta.and_then(|m| m.modified().ok());
            if self.seen.get(path).is_some_and(|p| p.is(len, modified)) {
                continue;
            }
            let parsed = match shared.get(path).filter(|p| p.is(len, modified)) {
                Some(p) => p.clone(),
                None => {
                    let (lines, warnings) = parse_tagged(path);
                    let mut by_region: BTreeMap<(String, Option<String>), Vec<CostLine>> =
                        BTreeMap::new();
                    for (l, cluster) in lines {
                        by_region
                            .entry((l.region.clone(), cluster))
                            .or_default()
                            .push(l);
                    }
                    let p = Arc::new(Parsed {
                        len,
                        modified,
                        by_region,
                        warnings,
                    });
                    shared.insert(path.clone(), p.clone());
                    p
                }
            };
            self.seen.insert(path.clone(), parsed);
        }
        drop(shared);
        let lines = self
            .seen
            .values()
            .flat_map(|p| {
                p.by_region
                    .iter()
                    .filter(|((r, cluster), _)| {
                        only.is_none_or(|(want, clusters)| {
                            want == r.as_str()
                                && cluster
                                    .as_ref()
                                    .is_none_or(|c| clusters.iter().any(|k| k == c))
                        })
                    })
                    .flat_map(|(_, lines)| lines.iter().cloned())
            })
            .collect();
        let warnings = self
            .seen
            .values()
            .flat_map(|p| p.warnings.iter().cloned())
            .collect();
        Ok((lines, warnings))
    }
}

/// Which tag names the cluster (a kubeconfig context): the first present.
const CLUSTER_TAGS: &[&str] = &["cluster", "kubernetes_cluster", "aws:eks:cluster-name"];

/// The service and the cluster a row's tags name.
fn tagged(tags: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(tags) = tags else {
        return (None, None);
    };
    // Keys borrowed from the text; a key with an escape in it cannot be,
    // and is read again owned.
    if let Ok(map) = serde_json::from_str::<BTreeMap<&str, serde_json::Value>>(tags) {
        return pick(|k| map.get(k));
    }
    match serde_json::from_str::<BTreeMap<String, serde_json::Value>>(tags) {
        Ok(map) => pick(|k| map.get(k)),
        Err(_) => (None, None),
    }
}

/// The service and cluster tags, each the first of its keys present.
fn pick<'v>(
    get: impl Fn(&str) -> Option<&'v serde_json::Value>,
) -> (Option<String>, Option<String>) {
    let first = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| get(k))
            .and_then(|v| v.as_str().map(str::to_string))
    };
    (first(SERVICE_TAGS), first(CLUSTER_TAGS))
}

/// Parses one file; a row that does not parse is a warning naming the file
/// and line, not an error.
pub fn parse_file(path: &Path) -> (Vec<CostLine>, Vec<String>) {
    let (lines, warnings) = parse_tagged(path);
    (lines.into_iter().map(|(l, _)| l).collect(), warnings)
}

/// [`parse_file`], each line with the cluster its tags name.
fn parse_tagged(path: &Path) -> (Vec<(CostLine, Option<String>)>, Vec<String>) {
    let mut lines = Vec::new();
    let mut warnings = Vec::new();
    let mut reader = match csv::ReaderBuilder::new().flexible(false).from_path(path) {
        Ok(r) => r,
        Err(e) => return (lines, vec![format!("{}: {e}", path.display())]),
    };
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return (lines, vec![format!("{}: {e}", path.display())]),
    };
    // Lines come from the reader's positions: a quoted field may span
    // several lines, so the record index does not tell the line.
    let mut record = csv::StringRecord::new();
    for n in 0u64.. {
        let fallback = n + 2; // header is line 1
        let skipped = |line: u64, e: &csv::Error| {
            format!(
                "{}:{line}: skipped: {}",
                path.display(),
                short(&e.to_string())
            )
        };
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                warnings.push(skipped(e.position().map_or(fallback, |p| p.line()), &e));
                // A read error does not go away on the next call.
                if e.is_io_error() {
                    break;
                }
                continue;
            }
        }
        let line_no = record.position().map_or(fallback, |p| p.line());
        let row: Row = match record.deserialize(Some(&headers)) {
            Ok(r) => r,
            Err(e) => {
                warnings.push(skipped(line_no, &e));
                continue;
            }
        };
        let day = row
            .charge_period_start
            .get(..10)
            .and_then(|d| d.parse::<jiff::civil::Date>().ok());
        let amount = row.effective_cost.or(row.billed_cost);
        match (day, amount) {
            (Some(day), Some(amount)) if amount.is_finite() => {
                let (service, cluster) = tagged(row.tags);
                lines.push((
                    CostLine {
                        day,
                        provider: provider_name(row.provider.unwrap_or("")),
                        region: row.region.unwrap_or_default().to_string(),
                        service,
                        amount,
                        currency: row.currency.unwrap_or("USD").to_string(),
                    },
                    cluster,
                ))
            }
            (None, _) => warnings.push(format!(
                "{}:{line_no}: skipped: ChargePeriodStart {:?} is not a date",
                path.display(),
                row.charge_period_start
            )),
            _ => warnings.push(format!(
                "{}:{line_no}: skipped: no BilledCost or EffectiveCost",
                path.display()
            )),
        }
    }
    (lines, warnings)
}

/// FOCUS ProviderName ("AWS", "Google Cloud", "Microsoft Azure") -> our
/// provider names (aws, gcp, azure), else the name lower-cased.
pub fn provider_name(raw: &str) -> String {
    let lower = raw.to_ascii_lowercase();
    if lower.contains("aws") || lower.contains("amazon") {
        "aws".into()
    } else if lower.contains("google") || lower == "gcp" {
        "gcp".into()
    } else if lower.contains("azure") || lower.contains("microsoft") {
        "azure".into()
    } else {
        lower
    }
}

fn short(s: &str) -> String {
    s.chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::tagged;

    #[test]
    fn tags_are_read_borrowed_or_owned_alike() {
        let want = (Some("checkout".to_string()), Some("prod-eu".to_string()));
        let plain = r#"{"service":"checkout","cluster":"prod-eu","team":7}"#;
        assert_eq!(tagged(Some(plain)), want);
        // An escaped key cannot be borrowed; it is read owned, same answer.
        let escaped = r#"{"servic\u0065":"checkout","cluster":"prod-eu"}"#;
        assert_eq!(tagged(Some(escaped)), want);
        // The first key of each list that is present wins.
        let both = r#"{"app":"web","service":"checkout","kubernetes_cluster":"k"}"#;
        assert_eq!(
            tagged(Some(both)),
            (Some("checkout".to_string()), Some("k".to_string()))
        );
        assert_eq!(tagged(Some("not json")), (None, None));
        assert_eq!(tagged(None), (None, None));
    }
}
