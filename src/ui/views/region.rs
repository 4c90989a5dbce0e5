//! The region view: a summary of its clusters, then one tab at a time of
//! pods (windowed: only the visible rows are built, however many there
//! are), deployments, nodes, recent events, HPAs and clusters.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use crate::app::lists;
use crate::app::state::{AppState, RegionTab};
use crate::model::{RegionView, SourceKind, Timestamp};
use crate::sanitize::clean;
use crate::ui::format;
use crate::ui::style::Look;
use crate::ui::views::alerts::tabs_line;
use crate::ui::widgets::table;

fn age(now: Timestamp, t: Option<Timestamp>) -> String {
    t.map(|t| format::age(now.duration_since(t).as_secs()))
        .unwrap_or_else(|| "-".into())
}

fn pod_style(status: &str, ready: bool, look: &Look) -> Style {
    match status {
        "Running" if ready => look.ok(),
        "Running" | "Pending" | "ContainerCreating" | "PodInitializing" | "Terminating" => {
            look.warn()
        }
        "Succeeded" | "Completed" => look.muted(),
        _ => look.critical(),
    }
}

/// Whether the Kubernetes source of `context` is stale.
fn kube_stale(r: Option<&RegionView>, context: &str) -> bool {
    r.and_then(|r| {
        r.sources
            .iter()
            .find(|s| s.kind == SourceKind::Kubernetes && s.name == context)
    })
    .is_none_or(|s| s.stale)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, region: &str, look: &Look) {
    let [summary, tabs, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    let view = app.snapshot.regions.iter().find(|r| r.name == region);
    let clusters = lists::region_clusters(app, region);
    let mut spans = vec![Span::raw(" ")];
    if let Some(v) = view {
        spans.push(Span::styled(
            format!("{} ", look.mark(v.health)),
            look.health(v.health),
        ));
        spans.push(Span::styled(
            format!("{} ", clean(&v.provider)),
            look.muted(),
        ));
        if v.production {
            spans.push(Span::styled("PROD ", look.production()));
        }
    }
    for (ctx, data) in &clusters {
        let stale = kube_stale(view, ctx);
        let style = if stale { look.stale() } else { look.accent() };
        spans.push(Span::styled(clean(ctx).into_owned(), style));
        if stale {
            spans.push(Span::styled(" (stale)", look.stale()));
        }
        if let Some(d) = data {
            let ready = d.nodes.values().filter(|n| n.ready).count();
            // Counted in update(), not per frame, when this is the only cluster.
            let unready = match &app.pod_counts {
                Some(c) if c.region == region && clusters.len() == 1 => c.not_ready,
                _ => d.pods.values().filter(|p| !p.ready).count(),
            };
            spans.push(Span::styled(
                format!(
                    " nodes {ready}/{} pods {} ({unready} not ready)  ",
                    d.nodes.len(),
                    d.pods.len()
                ),
                look.muted(),
            ));
        } else {
            spans.push(Span::styled(" no data  ", look.stale()));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), summary);

    let labels: Vec<String> = RegionTab::ALL
        .iter()
        .map(|t| match t {
            RegionTab::Pods if *t == app.sel.region_tab => {
                format!("Pods {}", lists::region_count(app, region, *t))
            }
            _ => t.label().to_string(),
        })
        .collect();
    let active = RegionTab::ALL
        .iter()
        .position(|t| *t == app.sel.region_tab)
        .unwrap_or(0);
    frame.render_widget(Paragraph::new(tabs_line(&labels, active, look)), tabs);

    let sel = app.sel.region;
    let selected = look.selected();
    let now = app.now;
    let stale_style = |ctx: &str, normal: Style| {
        if kube_stale(view, ctx) {
            look.stale()
        } else {
            normal
        }
    };
    match app.sel.region_tab {
        RegionTab::Pods => {
            let total = lists::region_count(app, region, RegionTab::Pods);
            // The node column goes first when the terminal is narrow.
            let wide = body.width >= 100;
            let mut titles = vec!["pod", "namespace", "status", "ready", "rst"];
            let mut widths = vec![
                Constraint::Min(24),
                Constraint::Length(9),
                Constraint::Length(17),
                Constraint::Length(5),
                Constraint::Length(3),
            ];
            if wide {
                titles.push("node");
                widths.push(Constraint::Length(18));
            }
            titles.push("age");
            widths.push(Constraint::Length(4));
            let header = Row::new(titles).style(look.muted());
            table::draw(
                frame,
                body,
                header,
                &widths,
                total,
                sel,
                selected,
                |start, n| {
                    lists::pods(app, region)
                        .skip(start)
                        .take(n)
                        .map(|(ctx, p)| {
                            let st = stale_style(ctx, pod_style(&p.status, p.ready, look));
                            let mut cells = vec![
                                Cell::from(Span::styled(
                                    clean(&p.name).into_owned(),
                                    stale_style(ctx, look.text()),
                                )),
                                Cell::from(clean(&p.namespace).into_owned()),
                                Cell::from(Span::styled(clean(&p.status).into_owned(), st)),
                                Cell::from(if p.ready { "yes" } else { "no" }),
                                Cell::from(p.restarts.to_string()),
                            ];
                            if wide {
                                cells.push(Cell::from(
                                    p.node
                                        .as_deref()
                                        .map(|n| clean(n).into_owned())
                                        .unwrap_or_default(),
                                ));
                            }
                            cells.push(Cell::from(age(now, p.created)));
                            Row::new(cells)
                        })
                        .collect()
                },
            );
        }
        RegionTab::Deployments => {
            let rows = lists::deployments(app, region);
            let header = Row::new([
                "deployment",
                "namespace",
                "ready",
                "upd",
                "avail",
                "rev",
                "condition",
                "image",
            ])
            .style(look.muted());
            let widths = [
                Constraint::Length(16),
                Constraint::Length(9),
                Constraint::Length(6),
                Constraint::Length(4),
                Constraint::Length(5),
                Constraint::Length(4),
                Constraint::Length(24),
                Constraint::Min(10),
            ];
            table::draw(
                frame,
                body,
                header,
                &widths,
                rows.len(),
                sel,
                selected,
                |start, n| {
                    rows.iter()
                        .skip(start)
                        .take(n)
                        .map(|(ctx, d)| {
                            let health = if d.deadline_exceeded() || (d.desired > 0 && d.ready == 0)
                            {
                                look.critical()
                            } else if d.ready < d.desired || d.rolling() {
                                look.warn()
                            } else {
                                look.ok()
                            };
                            Row::new(vec![
                                Cell::from(Span::styled(
                                    clean(&d.name).into_owned(),
                                    stale_style(ctx, look.text()),
                                )),
                                Cell::from(clean(&d.namespace).into_owned()),
                                Cell::from(Span::styled(
                                    format!("{}/{}", d.ready, d.desired),
                                    stale_style(ctx, health),
                                )),
                                Cell::from(d.updated.to_string()),
                                Cell::from(d.available.to_string()),
                                Cell::from(format::opt(d.revision, |r| r.to_string())),
                                Cell::from(
                                    clean(d.progressing.as_deref().unwrap_or("-")).into_owned(),
                                ),
                                Cell::from(clean(&d.images.join(",")).into_owned()),
                            ])
                        })
                        .collect()
                },
            );
        }
        RegionTab::Nodes => {
            let rows = lists::nodes(app, region);
            let header =
                Row::new(["node", "ready", "type", "zone", "cpu", "memory"]).style(look.muted());
            let widths = [
                Constraint::Min(20),
                Constraint::Length(5),
                Constraint::Length(12),
                Constraint::Length(14),
                Constraint::Length(5),
                Constraint::Length(8),
            ];
            table::draw(
                frame,
                body,
                header,
                &widths,
                rows.len(),
                sel,
                selected,
                |start, n| {
                    rows.iter()
                        .skip(start)
                        .take(n)
                        .map(|(ctx, node)| {
                            let o = |v: &Option<String>| {
                                clean(v.as_deref().unwrap_or("-")).into_owned()
                            };
                            Row::new(vec![
                                Cell::from(Span::styled(
                                    clean(&node.name).into_owned(),
                                    stale_style(ctx, look.text()),
                                )),
                                Cell::from(Span::styled(
                                    if node.ready { "yes" } else { "NO" },
                                    if node.ready {
                                        look.ok()
                                    } else {
                                        look.critical()
                                    },
                                )),
                                Cell::from(o(&node.instance_type)),
                                Cell::from(o(&node.zone)),
                                Cell::from(o(&node.cpu)),
                                Cell::from(o(&node.memory)),
                            ])
                        })
                        .collect()
                },
            );
        }
        RegionTab::Events => {
            let rows = lists::events(app, region);
            let header =
                Row::new(["age", "type", "reason", "object", "message"]).style(look.muted());
            let widths = [
                Constraint::Length(4),
                Constraint::Length(7),
                Constraint::Length(16),
                Constraint::Length(24),
                Constraint::Min(20),
            ];
            table::draw(
                frame,
                body,
                header,
                &widths,
                rows.len(),
                sel,
                selected,
                |start, n| {
                    rows.iter()
                        .skip(start)
                        .take(n)
                        .map(|(_, e)| {
                            let style = if e.kind == "Warning" {
                                look.warn()
                            } else {
                                look.muted()
                            };
                            let count = if e.count > 1 {
                                format!(" (x{})", e.count)
                            } else {
                                String::new()
                            };
                            Row::new(vec![
                                Cell::from(age(now, e.time)),
                                Cell::from(Span::styled(clean(&e.kind).into_owned(), style)),
                                Cell::from(clean(&e.reason).into_owned()),
                                Cell::from(clean(&e.object).into_owned()),
                                Cell::from(format!("{}{count}", clean(&e.message))),
                            ])
                        })
                        .collect()
                },
            );
        }
        RegionTab::Hpas => {
            let rows = lists::hpas(app, region);
            let header = Row::new([
                "hpa",
                "namespace",
                "target",
                "min",
                "max",
                "current",
                "desired",
            ])
            .style(look.muted());
            let widths = [
                Constraint::Min(16),
                Constraint::Length(9),
                Constraint::Length(22),
                Constraint::Length(4),
                Constraint::Length(4),
                Constraint::Length(7),
                Constraint::Length(7),
            ];
            table::draw(
                frame,
                body,
                header,
                &widths,
                rows.len(),
                sel,
                selected,
                |start, n| {
                    rows.iter()
                        .skip(start)
                        .take(n)
                        .map(|(_, h)| {
                            let at_max = h.current >= h.max;
                            Row::new(vec![
                                Cell::from(clean(&h.name).into_owned()),
                                Cell::from(clean(&h.namespace).into_owned()),
                                Cell::from(clean(&h.target).into_owned()),
                                Cell::from(h.min.to_string()),
                                Cell::from(h.max.to_string()),
                                Cell::from(Span::styled(
                                    h.current.to_string(),
                                    if at_max { look.warn() } else { look.text() },
                                )),
                                Cell::from(h.desired.to_string()),
                            ])
                        })
                        .collect()
                },
            );
        }
        RegionTab::Clusters => {
            let header = Row::new(["context", "source", "deploys", "pods", "nodes", "events"])
                .style(look.muted());
            let widths = [
                Constraint::Min(20),
                Constraint::Length(22),
                Constraint::Length(7),
                Constraint::Length(7),
                Constraint::Length(5),
                Constraint::Length(6),
            ];
            table::draw(
                frame,
                body,
                header,
                &widths,
                clusters.len(),
                sel,
                selected,
                |start, n| {
                    clusters
                        .iter()
                        .skip(start)
                        .take(n)
                        .map(|(ctx, d)| {
                            let src = view.and_then(|v| {
                                v.sources
                                    .iter()
                                    .find(|s| s.kind == SourceKind::Kubernetes && s.name == *ctx)
                            });
                            let (text, style) = match src {
                                None => ("never reported".to_string(), look.stale()),
                                Some(s) if s.stale => (
                                    format!(
                                        "stale: {}",
                                        clean(s.last_error.as_deref().unwrap_or("no answer"))
                                    ),
                                    look.stale(),
                                ),
                                Some(s) => (
                                    format!(
                                        "ok {}",
                                        format::opt(s.age(now).map(|d| d.as_secs()), format::age)
                                    ),
                                    look.ok(),
                                ),
                            };
                            let c = |f: fn(&crate::model::state::ClusterData) -> usize| {
                                d.map(f)
                                    .map(|v| v.to_string())
                                    .unwrap_or_else(|| "-".into())
                            };
                            Row::new(vec![
                                Cell::from(clean(ctx).into_owned()),
                                Cell::from(Span::styled(text, style)),
                                Cell::from(c(|d| d.deployments.len())),
                                Cell::from(c(|d| d.pods.len())),
                                Cell::from(c(|d| d.nodes.len())),
                                Cell::from(c(|d| d.events.len())),
                            ])
                        })
                        .collect()
                },
            );
        }
    }
}
