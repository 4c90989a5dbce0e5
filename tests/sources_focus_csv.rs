//! FOCUS CSV exports of two providers (issue 5): `FocusReader::read`
//! returns the good rows as `CostLine`s and one warning per malformed row
//! naming its file and line; a file added later is picked up, an unchanged
//! file is not parsed again, a changed or removed one is.
//!
//! Fixtures: `tests/fixtures/sources/focus/` (AWS and Google Cloud, with
//! malformed rows and a quoted field spanning lines) and
//! `tests/fixtures/sources/focus-later/` (the file added later).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use opsdeck::model::CostLine;
use opsdeck::sources::billing::focus_csv::FocusReader;

fn fixtures(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sources")
        .join(sub)
}

fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
}

fn line(
    day: &str,
    provider: &str,
    region: &str,
    service: Option<&str>,
    amount: f64,
    currency: &str,
) -> CostLine {
    CostLine {
        day: day.parse().unwrap(),
        provider: provider.into(),
        region: region.into(),
        service: service.map(str::to_string),
        amount,
        currency: currency.into(),
    }
}

fn sorted(mut v: Vec<CostLine>) -> Vec<CostLine> {
    v.sort_by(|a, b| {
        (a.day, &a.provider, &a.region, &a.service)
            .cmp(&(b.day, &b.provider, &b.region, &b.service))
            .then(a.amount.total_cmp(&b.amount))
    });
    v
}

/// `file:line` of each warning, and checks each says the row was skipped.
fn located(warnings: &[String], dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = warnings
        .iter()
        .map(|w| {
            let rest = w
                .strip_prefix(&format!("{}/", dir.display()))
                .unwrap_or_else(|| panic!("warning does not name the file's path: {w}"));
            let mut parts = rest.splitn(3, ':');
            let (file, line, what) = (parts.next(), parts.next(), parts.next());
            assert!(
                what.is_some_and(|w| w.contains("skipped")),
                "warning does not say the row was skipped: {w}"
            );
            format!("{}:{}", file.unwrap(), line.unwrap())
        })
        .collect();
    out.sort();
    out
}

fn first_lines() -> Vec<CostLine> {
    vec![
        line(
            "2026-11-20",
            "aws",
            "us-east-1",
            Some("checkout"),
            10.0,
            "USD",
        ),
        line(
            "2026-11-20",
            "aws",
            "eu-west-1",
            Some("search"),
            4.25,
            "USD",
        ),
        line(
            "2026-11-21",
            "aws",
            "us-east-1",
            Some("payments"),
            1.75,
            "USD",
        ),
        line("2026-11-21", "aws", "us-east-1", None, 0.5, "USD"),
        line(
            "2026-11-20",
            "gcp",
            "europe-west4",
            Some("catalog"),
            5.5,
            "EUR",
        ),
        line("2026-11-21", "gcp", "europe-west4", None, 2.5, "EUR"),
    ]
}

fn first_warnings() -> Vec<String> {
    let mut v: Vec<String> = [
        "aws-2026-11.csv:4",
        "aws-2026-11.csv:9",
        "aws-2026-11.csv:10",
        "aws-2026-11.csv:11",
        "aws-2026-11.csv:13",
        "google-2026-11.csv:3",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.sort();
    v
}

#[test]
fn good_rows_become_cost_lines_and_bad_rows_warnings_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["aws-2026-11.csv", "google-2026-11.csv"] {
        copy(&fixtures("focus").join(f), &dir.path().join(f));
    }
    // Not a CSV: ignored.
    std::fs::write(dir.path().join("README.txt"), "exports land here\n").unwrap();
    let mut reader = FocusReader::default();
    let (lines, warnings) = reader.read(dir.path()).unwrap();
    assert_eq!(sorted(lines), sorted(first_lines()));
    assert_eq!(
        located(&warnings, dir.path()),
        first_warnings(),
        "{warnings:#?}"
    );
    let about = |at: &str| {
        warnings
            .iter()
            .find(|w| w.contains(&format!("/{at}:")))
            .unwrap()
            .clone()
    };
    assert!(about("aws-2026-11.csv:9").contains("yesterday"));
    assert!(about("aws-2026-11.csv:11").contains("no BilledCost or EffectiveCost"));
    assert!(about("google-2026-11.csv:3").contains("2026-13-01"));

    // Read again with nothing changed: the same answer.
    let (again, w2) = reader.read(dir.path()).unwrap();
    assert_eq!(sorted(again), sorted(first_lines()));
    assert_eq!(w2.len(), warnings.len());

    // One region's reader gets that region's lines only, and every warning.
    let mut regional = FocusReader::default();
    let (own, w3) = regional
        .read_region(dir.path(), "europe-west4", &[])
        .unwrap();
    let want: Vec<_> = first_lines()
        .into_iter()
        .filter(|l| l.region == "europe-west4")
        .collect();
    assert!(!want.is_empty() && want.len() < first_lines().len());
    assert_eq!(sorted(own), sorted(want));
    assert_eq!(w3.len(), warnings.len());
}

#[test]
fn new_files_are_picked_up_and_unchanged_ones_are_not_parsed_again() {
    let dir = tempfile::tempdir().unwrap();
    let aws = dir.path().join("aws-2026-11.csv");
    copy(&fixtures("focus").join("aws-2026-11.csv"), &aws);
    copy(
        &fixtures("focus").join("google-2026-11.csv"),
        &dir.path().join("google-2026-11.csv"),
    );
    let mut reader = FocusReader::default();
    let (lines, _) = reader.read(dir.path()).unwrap();
    assert_eq!(lines.len(), 6);

    // A file added later is picked up, with its own warnings.
    copy(
        &fixtures("focus-later").join("google-2026-11-22.csv"),
        &dir.path().join("google-2026-11-22.csv"),
    );
    let (lines, warnings) = reader.read(dir.path()).unwrap();
    let mut want = first_lines();
    want.push(line(
        "2026-11-22",
        "gcp",
        "europe-west4",
        Some("search"),
        8.0,
        "EUR",
    ));
    assert_eq!(sorted(lines), sorted(want.clone()));
    let mut w = first_warnings();
    w.push("google-2026-11-22.csv:3".into());
    w.sort();
    assert_eq!(located(&warnings, dir.path()), w);

    // Rewrite the AWS file in place with the same size and modification
    // time: a reader that parsed it again would see 99.0, not 10.0.
    let modified = std::fs::metadata(&aws).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&aws).unwrap();
    let tampered = text.replacen("10.5,10.0,USD", "10.5,99.0,USD", 1);
    assert_ne!(tampered, text);
    assert_eq!(tampered.len(), text.len());
    std::fs::write(&aws, &tampered).unwrap();
    set_modified(&aws, modified);
    let (lines, _) = reader.read(dir.path()).unwrap();
    assert_eq!(
        sorted(lines),
        sorted(want.clone()),
        "an unchanged file was parsed again"
    );

    // A new modification time: parsed again.
    set_modified(&aws, modified + Duration::from_secs(5));
    let (lines, _) = reader.read(dir.path()).unwrap();
    let mut changed = want.clone();
    changed[0].amount = 99.0;
    assert_eq!(sorted(lines), sorted(changed.clone()));

    // A removed file's lines and warnings go with it.
    std::fs::remove_file(&aws).unwrap();
    let (lines, warnings) = reader.read(dir.path()).unwrap();
    assert!(lines.iter().all(|l| l.provider == "gcp"), "{lines:#?}");
    assert_eq!(lines.len(), 3);
    assert!(warnings.iter().all(|w| !w.contains("aws-2026-11.csv")));

    // A directory that does not exist is an error naming it.
    let missing = dir.path().join("nope");
    let err = reader.read(&missing).unwrap_err();
    assert!(err.contains(&missing.display().to_string()), "{err}");
}

fn set_modified(path: &Path, t: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

#[test]
fn clusters_in_one_cloud_region_each_get_the_rows_tagged_with_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("aws.csv"),
        "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ProviderName,RegionId,Tags\n\
         10,10,USD,2026-11-20T00:00:00Z,AWS,us-east-1,\"{\"\"cluster\"\":\"\"prod-a\"\",\"\"service\"\":\"\"checkout\"\"}\"\n\
         20,20,USD,2026-11-20T00:00:00Z,AWS,us-east-1,\"{\"\"cluster\"\":\"\"prod-b\"\",\"\"service\"\":\"\"checkout\"\"}\"\n\
         5,5,USD,2026-11-20T00:00:00Z,AWS,us-east-1,\"{\"\"service\"\":\"\"shared\"\"}\"\n",
    )
    .unwrap();
    let amounts = |clusters: &[&str]| {
        let clusters: Vec<String> = clusters.iter().map(|c| c.to_string()).collect();
        let (lines, w) = FocusReader::default()
            .read_region(dir.path(), "us-east-1", &clusters)
            .unwrap();
        assert!(w.is_empty(), "{w:?}");
        let mut a: Vec<f64> = lines.iter().map(|l| l.amount).collect();
        a.sort_by(f64::total_cmp);
        a
    };
    // Its own tagged row, and the untagged (shared) one.
    assert_eq!(amounts(&["prod-a"]), [5.0, 10.0]);
    assert_eq!(amounts(&["prod-b"]), [5.0, 20.0]);
    assert_eq!(amounts(&["prod-a", "prod-b"]), [5.0, 10.0, 20.0]);
}
