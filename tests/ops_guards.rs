//! Every guard refuses before anything changes — bounds, read-only (global,
//! per context, and when the environment tries to turn it off), RBAC with
//! the viewer token, a lease held by someone else — and an expired lease is
//! taken over. Unreachable clusters exit 5; a server error carrying escape
//! sequences prints sanitised. The audit log proves "nothing changed".
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ops_support;

use ops_support::*;

fn scale_catalog(
    sim: &Sim,
    config: Option<&std::path::Path>,
    region: &str,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Out {
    let mut args = vec![
        "scale",
        "catalog",
        "--region",
        region,
        "--replicas",
        "5",
        "--yes",
    ];
    args.extend_from_slice(extra);
    let mut c = sim.cmd(&args);
    if let Some(p) = config {
        // --config given twice: the last wins.
        c.arg("--config").arg(p);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    run(c)
}

#[test]
fn guards_refuse_before_anything_changes() {
    let sim = sim("10");
    let mark = sim.audit_lines().len();

    // Bounds: eu-west-1 allows checkout at most 12.
    let o = sim.opsdeck(&[
        "scale",
        "checkout",
        "--region",
        "eu-west-1",
        "--replicas",
        "13",
        "--yes",
    ]);
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("services.checkout.regions.\"eu-west-1\".replicas")
            && o.stderr.contains("12"),
        "{}",
        o.stderr
    );

    // Read-only from the flag, the environment, the file (which the
    // environment cannot turn off), and one context.
    let o = scale_catalog(&sim, None, "eu-west-1", &["--read-only"], &[]);
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(o.stderr.contains("--read-only"), "{}", o.stderr);
    let o = scale_catalog(&sim, None, "eu-west-1", &[], &[("OPSDECK_READ_ONLY", "1")]);
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(o.stderr.contains("OPSDECK_READ_ONLY"), "{}", o.stderr);
    let ro = sim.config_with("ro.toml", |t| {
        t.replacen("read_only = false", "read_only = true", 1)
    });
    let o = scale_catalog(
        &sim,
        Some(&ro),
        "eu-west-1",
        &[],
        &[("OPSDECK_READ_ONLY", "0")],
    );
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(o.stderr.contains("policy.read_only"), "{}", o.stderr);
    let per_context = sim.config_with("ctx.toml", |t| {
        t.replacen(
            "context = \"sim-us-east-1\"\nproduction = true",
            "context = \"sim-us-east-1\"\nproduction = true\nread_only = true",
            1,
        )
    });
    let o = scale_catalog(&sim, Some(&per_context), "us-east-1", &[], &[]);
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(o.stderr.contains("sim-us-east-1"), "{}", o.stderr);

    // RBAC: the viewer may not patch; refused with the permission named.
    let viewer_kc = sim.path("viewer-kubeconfig");
    let kc = std::fs::read_to_string(sim.path("kubeconfig")).unwrap();
    std::fs::write(&viewer_kc, kc.replace("user: operator", "user: viewer")).unwrap();
    let viewer = sim.config_with("viewer.toml", |t| {
        t.replace(
            &sim.path("kubeconfig").display().to_string(),
            &viewer_kc.display().to_string(),
        )
    });
    let o = scale_catalog(&sim, Some(&viewer), "eu-west-1", &[], &[]);
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(
        o.stderr.contains("patch deployments/scale.apps") && o.stderr.contains("sim-eu-west-1"),
        "{}",
        o.stderr
    );

    // Nothing above changed anything.
    let writes = sim.writes_since(mark);
    assert!(writes.is_empty(), "a refused plan wrote: {writes:?}");
    assert_eq!(
        sim.jsonpath("eu-west-1", "deploy/catalog", "{.spec.replicas}"),
        "3"
    );

    // Unknown names: usage, with the nearest valid one.
    let o = sim.opsdeck(&[
        "scale",
        "catalgo",
        "--region",
        "eu-west-1",
        "--replicas",
        "3",
        "--yes",
    ]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("did you mean `catalog`"), "{}", o.stderr);
    let o = sim.opsdeck(&[
        "scale",
        "catalog",
        "--region",
        "eu-west-2",
        "--replicas",
        "3",
        "--yes",
    ]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("eu-west-1"), "{}", o.stderr);

    // A cluster that cannot be reached: 5.
    let dead_kc = sim.path("dead-kubeconfig");
    let port = sim.audit_lines().len(); // any number; the port below is closed
    let _ = port;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let re = regex_free_server_swap(&kc, closed);
    std::fs::write(&dead_kc, re).unwrap();
    let dead = sim.config_with("dead.toml", |t| {
        t.replace(
            &sim.path("kubeconfig").display().to_string(),
            &dead_kc.display().to_string(),
        )
    });
    let o = scale_catalog(&sim, Some(&dead), "eu-west-1", &[], &[]);
    assert_eq!(o.code, 5, "{}", o.stderr);

    // A server error with escape sequences prints sanitised.
    let evil = sim.config_with("evil.toml", |t| {
        t.replacen("name = \"catalog\"\nnamespace = \"shop\"", "name = \"catalog\"\nnamespace = \"shop\"\ndeployment = \"web\\u001b]52;c;ZXZpbA==\\u0007x\\u001b[2J\"", 1)
    });
    let o = scale_catalog(&sim, Some(&evil), "eu-west-1", &[], &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        !o.stderr.contains('\u{1b}') && !o.stdout.contains('\u{1b}'),
        "raw ESC printed: {:?}",
        o.stderr
    );
}

/// The kubeconfig with every server on a closed port.
fn regex_free_server_swap(kc: &str, port: u16) -> String {
    kc.lines()
        .map(|l| match l.trim_start().strip_prefix("server: ") {
            Some(url) => {
                let path = url.splitn(4, '/').nth(3).unwrap_or("");
                format!("    server: https://127.0.0.1:{port}/{path}")
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_live_lease_of_someone_else_refuses_an_expired_one_is_taken_over() {
    let sim = sim("10");
    let now = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        .to_string();
    let lease = format!(
        r#"{{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{{"name":"opsdeck-catalog","namespace":"shop"}},"spec":{{"holderIdentity":"bob@laptop\u001b]52;c;ZXZpbA==\u0007/20261201T000000Z-scale-bob001","leaseDurationSeconds":3600,"acquireTime":"{now}","renewTime":"{now}"}}}}"#
    );
    let file = sim.path("lease.json");
    std::fs::write(&file, lease).unwrap();
    sim.kubectl(
        "eu-west-1",
        &[
            "create",
            "--validate=false",
            "-f",
            &file.display().to_string(),
        ],
    );
    let mark = sim.audit_lines().len();
    let o = sim.opsdeck(&[
        "scale",
        "catalog",
        "--region",
        "eu-west-1",
        "--replicas",
        "4",
        "--yes",
    ]);
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(
        o.stderr.contains("bob@laptop") && o.stderr.contains(&now[..16]),
        "{}",
        o.stderr
    );
    assert!(
        !o.stderr.contains('\u{1b}'),
        "the holder came from the server and prints sanitised: {:?}",
        o.stderr
    );
    assert!(sim.writes_since(mark).is_empty());
    assert_eq!(
        sim.jsonpath("eu-west-1", "deploy/catalog", "{.spec.replicas}"),
        "3"
    );

    // Bob's process died an hour ago: the lease expired.
    sim.kubectl(
        "eu-west-1",
        &[
            "patch",
            "lease",
            "opsdeck-catalog",
            "--type",
            "merge",
            "-p",
            r#"{"spec":{"leaseDurationSeconds":10,"renewTime":"2026-01-01T00:00:00.000000Z"}}"#,
        ],
    );
    let o = sim.opsdeck(&[
        "scale",
        "catalog",
        "--region",
        "eu-west-1",
        "--replicas",
        "4",
        "--yes",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("took over expired lease"), "{}", o.stderr);
    assert!(sim.journals().contains("\"takenOverFrom\":\"bob@laptop"));
    assert_eq!(
        sim.jsonpath("eu-west-1", "deploy/catalog", "{.status.readyReplicas}"),
        "4"
    );
}
