//! The service view: its rollout in every region, the revision history of
//! the selected region, SLO charts over the last hour, its alerts and its
//! cost trend.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use crate::app::state::AppState;
use crate::model::kube::{DeploymentRow, ReplicaSetRow};
use crate::model::{ServiceCell, SourceKind};
use crate::sanitize::clean;
use crate::ui::format;
use crate::ui::style::Look;
use crate::ui::views::alerts::summary;
use crate::ui::widgets::{spark, table};

fn deployment<'a>(app: &'a AppState, region: &str, c: &ServiceCell) -> Option<&'a DeploymentRow> {
    let data = app.fleet.regions.get(region)?;
    let key = (c.namespace.clone(), c.deployment.clone());
    data.clusters
        .values()
        .find_map(|cl| cl.deployments.get(&key))
}

fn replicasets<'a>(app: &'a AppState, region: &str, c: &ServiceCell) -> Vec<&'a ReplicaSetRow> {
    let mut v: Vec<&ReplicaSetRow> = app
        .fleet
        .regions
        .get(region)
        .into_iter()
        .flat_map(|d| d.clusters.values())
        .flat_map(|cl| cl.replicasets.values())
        .filter(|rs| {
            *rs.namespace == *c.namespace && rs.owner.as_deref() == Some(c.deployment.as_str())
        })
        .collect();
    v.sort_by_key(|b| std::cmp::Reverse(b.revision));
    v
}

/// The region's traffic weight of the service (ExternalDNS weighted
/// records: the annotation on its Service), as the watch last saw it.
fn weight(app: &AppState, region: &str, c: &ServiceCell, service: &str) -> Option<u32> {
    let svc = app.config.services.iter().find(|s| s.name == service)?;
    let key = (c.namespace.clone(), svc.traffic.k8s_service.clone());
    app.fleet
        .regions
        .get(region)?
        .clusters
        .values()
        .find_map(|cl| cl.routing.get(&key))?
        .weight
}

fn condition(d: &DeploymentRow) -> String {
    let mut parts = Vec::new();
    if d.paused {
        parts.push("Paused".to_string());
    }
    if let Some(p) = &d.progressing {
        parts.push(clean(p).into_owned());
    }
    match d.available_condition {
        Some(true) => parts.push("Available".into()),
        Some(false) => parts.push("Unavailable".into()),
        None => {}
    }
    parts.join(" ")
}

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, service: &str, look: &Look) {
    let regions = &app.snapshot.regions;
    let table_h = (regions.len() as u16 + 1).min(area.height / 2).max(2);
    let [top, rest] =
        Layout::vertical([Constraint::Length(table_h), Constraint::Min(0)]).areas(area);

    let header = Row::new([
        "region",
        "health",
        "weight",
        "rev",
        "ready",
        "upd",
        "avail",
        "conditions",
        "images",
    ])
    .style(look.muted());
    let widths = [
        Constraint::Length(13),
        Constraint::Length(10),
        Constraint::Length(6),
        Constraint::Length(4),
        Constraint::Length(6),
        Constraint::Length(4),
        Constraint::Length(5),
        Constraint::Length(18),
        Constraint::Min(6),
    ];
    table::draw(
        frame,
        top,
        header,
        &widths,
        regions.len(),
        app.sel.service,
        look.selected(),
        |start, n| {
            regions
                .iter()
                .skip(start)
                .take(n)
                .map(|r| {
                    let cell = r.services.iter().find(|c| c.service == service);
                    let d = cell.and_then(|c| deployment(app, &r.name, c));
                    let name_style = if r.production {
                        look.production()
                    } else {
                        look.text()
                    };
                    let h = cell
                        .map(|c| c.health)
                        .unwrap_or(crate::model::Health::Unknown);
                    Row::new(vec![
                        Cell::from(Span::styled(clean(&r.name).into_owned(), name_style)),
                        Cell::from(Span::styled(
                            format!("{} {}", look.mark(h), h.label()),
                            look.health(h),
                        )),
                        Cell::from(format::opt(
                            cell.and_then(|c| weight(app, &r.name, c, service)),
                            |w| w.to_string(),
                        )),
                        Cell::from(format::opt(d.and_then(|d| d.revision), |v| v.to_string())),
                        Cell::from(
                            d.map(|d| format!("{}/{}", d.ready, d.desired))
                                .unwrap_or_else(|| "-".into()),
                        ),
                        Cell::from(format::opt(d.map(|d| d.updated), |v| v.to_string())),
                        Cell::from(format::opt(d.map(|d| d.available), |v| v.to_string())),
                        Cell::from(d.map(condition).unwrap_or_else(|| "no data".into())),
                        Cell::from(
                            d.map(|d| clean(&d.images.join(",")).into_owned())
                                .unwrap_or_default(),
                        ),
                    ])
                })
                .collect()
        },
    );

    let Some(r) = regions.get(app.sel.service) else {
        return;
    };
    let Some(cell) = r.services.iter().find(|c| c.service == service) else {
        return;
    };
    let mut lines: Vec<Line> = Vec::new();
    let section = |t: String| Line::styled(t, look.title());

    // Revision history.
    let rs = replicasets(app, &r.name, cell);
    lines.push(section(format!("Revisions in {}", clean(&r.name))));
    if rs.is_empty() {
        lines.push(Line::styled("  no ReplicaSets", look.muted()));
    }
    for s in rs.iter().take(4) {
        let live = s.desired > 0;
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {:>4} ", format::opt(s.revision, |v| v.to_string())),
                look.accent(),
            ),
            Span::styled(
                format!("{:<28} ", clean(&s.name)),
                if live { look.text() } else { look.muted() },
            ),
            Span::raw(format!("{}/{}  ", s.ready, s.desired)),
            Span::styled(clean(&s.images.join(",")).into_owned(), look.muted()),
            Span::styled(
                s.change_cause
                    .as_deref()
                    .map(|c| format!("  {}", clean(c)))
                    .unwrap_or_default(),
                look.muted(),
            ),
        ]));
    }

    // SLO charts.
    let prom_stale = r
        .sources
        .iter()
        .any(|s| s.kind == SourceKind::Prometheus && s.stale);
    let series = app
        .fleet
        .regions
        .get(&r.name)
        .and_then(|d| d.slo_series.get(service));
    let used_below = 1 + 1 + 3 + 1 + 2; // titles, alerts, cost
    let avail = usize::from(rest.height).saturating_sub(lines.len() + used_below);
    let chart_h = (avail / 3).clamp(1, 6);
    let width = usize::from(rest.width).saturating_sub(24).max(8);
    lines.push(section(format!(
        "SLO, last hour{}",
        if prom_stale { " (STALE)" } else { "" }
    )));
    let spec = app.service_specs.iter().find(|s| s.name == service);
    let charts: [(&str, Vec<f64>, String, bool, usize); 3] = [
        (
            "req/s",
            series
                .map(|s| s.request_rate.iter().map(|p| p.1).collect())
                .unwrap_or_default(),
            format::opt(cell.request_rate, format::rate),
            false,
            0,
        ),
        (
            "errors",
            series
                .map(|s| s.error_ratio.iter().map(|p| p.1).collect())
                .unwrap_or_default(),
            format::opt(cell.error_ratio, format::pct),
            cell.error_ratio
                .zip(spec)
                .is_some_and(|(e, s)| e > s.max_error_ratio),
            1,
        ),
        (
            "p95",
            series
                .map(|s| s.p95_seconds.iter().map(|p| p.1).collect())
                .unwrap_or_default(),
            format::opt(cell.p95_seconds, format::latency),
            cell.p95_seconds
                .zip(spec)
                .is_some_and(|(p, s)| p > s.max_p95_seconds),
            2,
        ),
    ];
    for (label, values, now_value, breached, i) in charts {
        let style: Style = if prom_stale {
            look.stale()
        } else {
            look.series(i)
        };
        let value_style = if breached {
            look.critical()
        } else {
            look.text()
        };
        if values.is_empty() {
            lines.push(Line::from(vec![
                Span::styled(format!("  {label:<7}"), look.muted()),
                Span::styled("no data", look.stale()),
            ]));
            continue;
        }
        let v = spark::resample(&values, width);
        let rows = spark::bars(&v, chart_h, look.ascii);
        let last = rows.len().saturating_sub(1);
        for (ri, row) in rows.into_iter().enumerate() {
            let label_text = if ri == last {
                format!("  {label:<7}")
            } else {
                " ".repeat(9)
            };
            let mut spans = vec![
                Span::styled(label_text, look.muted()),
                Span::styled(row.into_iter().collect::<String>(), style),
            ];
            if ri == last {
                spans.push(Span::styled(format!(" {now_value}"), value_style));
            }
            lines.push(Line::from(spans));
        }
    }

    // Alerts of the service.
    let alerts: Vec<_> = app
        .shown_alerts()
        .into_iter()
        .filter(|a| a.label("service") == service)
        .collect();
    lines.push(section(format!("Alerts ({})", alerts.len())));
    if alerts.is_empty() {
        lines.push(Line::styled("  none", look.ok()));
    }
    for a in alerts.iter().take(3) {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {:<9}", clean(a.severity())),
                look.severity(a.severity()),
            ),
            Span::raw(format!("{:<13} ", clean(a.label("region")))),
            Span::styled(format!("{} ", clean(a.name())), look.text()),
            Span::styled(summary(a), look.muted()),
        ]));
    }

    // Cost trend.
    let cost = app
        .derived
        .costs
        .by_service
        .iter()
        .find(|c| c.name == service);
    let currency = &app.config.ui.budget.currency;
    lines.push(match cost {
        Some(c) => Line::from(vec![
            Span::styled("Cost/day, 30 days ", look.title()),
            Span::styled(spark::line(&c.daily, 30, look.ascii), look.series(3)),
            Span::styled(
                format!(" {}", format::money_ascii(c.last(), currency, look.ascii)),
                look.text(),
            ),
        ]),
        None => Line::from(vec![
            Span::styled("Cost/day ", look.title()),
            Span::styled("no cost data", look.stale()),
        ]),
    });
    frame.render_widget(Paragraph::new(lines), rest);
}
