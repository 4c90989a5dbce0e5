//! The alerts view: every Alertmanager's alerts grouped by severity, region
//! and service; and the silences, which `x` expires.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use crate::app::state::{AlertsTab, AppState};
use crate::model::query::severity_rank;
use crate::model::{Alert, AlertState};
use crate::sanitize::clean;
use crate::ui::format;
use crate::ui::style::Look;
use crate::ui::widgets::table;

pub fn summary(a: &Alert) -> String {
    let raw = a
        .annotations
        .get("summary")
        .or_else(|| a.annotations.get("description"))
        .map(String::as_str)
        .unwrap_or("");
    clean(raw).into_owned()
}

fn state_label(a: &Alert) -> &'static str {
    match a.state {
        AlertState::Active => "firing",
        AlertState::Suppressed if !a.silenced_by.is_empty() => "silenced",
        AlertState::Suppressed => "inhibited",
        AlertState::Unprocessed => "new",
    }
}

fn since(app: &AppState, a: &Alert) -> String {
    a.starts_at
        .map(|t| format::age(app.now.duration_since(t).as_secs()))
        .unwrap_or_else(|| "-".into())
}

pub fn tabs_line(labels: &[String], active: usize, look: &Look) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (i, l) in labels.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(format!(" {} ", look.sep()), look.muted()));
        }
        let style = if i == active {
            look.selected()
        } else {
            look.muted()
        };
        spans.push(Span::styled(format!(" {l} "), style));
    }
    Line::from(spans)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, look: &Look) {
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let alerts = app.shown_alerts();
    let silences = app.shown_silences();
    let labels = [
        format!("Alerts {}", alerts.len()),
        format!("Silences {}", silences.len()),
    ];
    let active = match app.sel.alerts_tab {
        AlertsTab::Alerts => 0,
        AlertsTab::Silences => 1,
    };
    frame.render_widget(Paragraph::new(tabs_line(&labels, active, look)), tabs);
    match app.sel.alerts_tab {
        AlertsTab::Alerts => alert_table(frame, body, app, &alerts, look),
        AlertsTab::Silences => silence_table(frame, body, app, &silences, look),
    }
}

fn alert_table(frame: &mut Frame, area: Rect, app: &AppState, alerts: &[&Alert], look: &Look) {
    // Group headers between severities; remember where the selection lands.
    let mut rows: Vec<Row> = Vec::new();
    let mut selected_row = 0;
    let mut last_rank = None;
    for (i, a) in alerts.iter().enumerate() {
        let rank = severity_rank(a.severity());
        if last_rank != Some(rank) {
            let count = alerts
                .iter()
                .filter(|b| severity_rank(b.severity()) == rank)
                .count();
            let name = match a.severity() {
                "" => "other".to_string(),
                s => clean(s).into_owned(),
            };
            let style = look.severity(a.severity());
            rows.push(Row::new(vec![
                Cell::from(Span::styled(name, style)),
                Cell::from(Span::styled(format!("({count})"), style)),
            ]));
            last_rank = Some(rank);
        }
        if i == app.sel.alerts {
            selected_row = rows.len();
        }
        let state_style = match a.state {
            AlertState::Active => look.severity(a.severity()),
            _ => look.muted(),
        };
        rows.push(Row::new(vec![
            Cell::from(Span::styled(state_label(a), state_style)),
            Cell::from(clean(a.label("region")).into_owned()),
            Cell::from(clean(a.label("service")).into_owned()),
            Cell::from(Span::styled(clean(a.name()).into_owned(), look.text())),
            Cell::from(since(app, a)),
            Cell::from(Span::styled(summary(a), look.muted())),
        ]));
    }
    let header =
        Row::new(["state", "region", "service", "alert", "since", "summary"]).style(look.muted());
    let widths = [
        Constraint::Length(9),
        Constraint::Length(12),
        Constraint::Length(9),
        Constraint::Length(22),
        Constraint::Length(5),
        Constraint::Min(10),
    ];
    let total = rows.len();
    table::draw(
        frame,
        area,
        header,
        &widths,
        total,
        selected_row,
        look.selected(),
        |start, n| rows.into_iter().skip(start).take(n).collect(),
    );
}

fn silence_table(
    frame: &mut Frame,
    area: Rect,
    app: &AppState,
    silences: &[&crate::model::Silence],
    look: &Look,
) {
    let header =
        Row::new(["state", "ends in", "matchers", "by", "comment", "cluster"]).style(look.muted());
    let widths = [
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Min(20),
        Constraint::Length(12),
        Constraint::Min(10),
        Constraint::Length(8),
    ];
    table::draw(
        frame,
        area,
        header,
        &widths,
        silences.len(),
        app.sel.silences,
        look.selected(),
        |start, n| {
            silences
                .iter()
                .skip(start)
                .take(n)
                .map(|s| {
                    let ends = s
                        .ends_at
                        .map(|t| format::age(t.duration_since(app.now).as_secs()))
                        .unwrap_or_else(|| "-".into());
                    let matchers = s
                        .matchers
                        .iter()
                        .map(|m| {
                            let op = match (m.is_equal, m.is_regex) {
                                (true, false) => "=",
                                (false, false) => "!=",
                                (true, true) => "=~",
                                (false, true) => "!~",
                            };
                            format!("{}{op}\"{}\"", m.name, m.value)
                        })
                        .collect::<Vec<_>>()
                        .join(",");
                    let style = if s.state == "active" {
                        look.text()
                    } else {
                        look.muted()
                    };
                    Row::new(vec![
                        Cell::from(Span::styled(clean(&s.state).into_owned(), style)),
                        Cell::from(ends),
                        Cell::from(clean(&matchers).into_owned()),
                        Cell::from(clean(&s.created_by).into_owned()),
                        Cell::from(clean(&s.comment).into_owned()),
                        Cell::from(clean(&s.ha_cluster).into_owned()),
                    ])
                })
                .collect()
        },
    );
}

/// What an empty alert list means: quiet only when every Alertmanager
/// answered; otherwise say which ones could not be asked.
fn quiet_line(app: &AppState, look: &Look) -> Line<'static> {
    use crate::model::SourceKind;
    let ams: Vec<_> = app
        .fleet
        .sources
        .iter()
        .filter(|s| s.kind == SourceKind::Alertmanager)
        .collect();
    let configured = app
        .config
        .regions
        .iter()
        .any(|r| !r.alertmanagers.is_empty());
    if !configured {
        return Line::styled(" no Alertmanager configured", look.muted());
    }
    let down: Vec<String> = ams
        .iter()
        .filter(|s| s.stale)
        .map(|s| clean(&s.name).into_owned())
        .collect();
    if ams.is_empty() {
        Line::styled(" waiting for the Alertmanagers", look.muted())
    } else if !down.is_empty() {
        Line::styled(
            format!(
                " no alerts from the reachable Alertmanagers; unreachable: {}",
                down.join(", ")
            ),
            look.stale(),
        )
    } else {
        Line::styled(" nothing fires", look.ok())
    }
}

/// The firing alerts, worst first: under the fleet when there is room.
/// The firing alerts in one line, when there is no room for the table.
pub fn firing_line(frame: &mut Frame, area: Rect, app: &AppState, look: &Look) {
    let firing: Vec<&Alert> = app
        .shown_alerts()
        .into_iter()
        .filter(|a| a.firing())
        .collect();
    let Some(first) = firing.first() else {
        frame.render_widget(Paragraph::new(quiet_line(app, look)), area);
        return;
    };
    let mut spans = vec![Span::styled(
        format!(" {} firing", firing.len()),
        look.severity(first.severity()),
    )];
    let mut counts: Vec<(String, usize)> = Vec::new();
    for a in &firing {
        match counts.iter_mut().find(|(s, _)| s == a.severity()) {
            Some(c) => c.1 += 1,
            None => counts.push((a.severity().to_string(), 1)),
        }
    }
    let by: Vec<String> = counts
        .iter()
        .map(|(s, n)| format!("{n} {}", clean(s)))
        .collect();
    spans.push(Span::styled(format!(" ({})", by.join(", ")), look.muted()));
    spans.push(Span::styled(
        format!(
            ": {} {} {}",
            clean(first.name()),
            clean(first.label("region")),
            clean(first.label("service"))
        ),
        look.text(),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn firing_summary(frame: &mut Frame, area: Rect, app: &AppState, look: &Look) {
    let firing: Vec<&Alert> = app
        .shown_alerts()
        .into_iter()
        .filter(|a| a.firing())
        .collect();
    let block = look.block().title(Span::styled(
        format!(" Firing alerts ({}) ", firing.len()),
        look.title(),
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if firing.is_empty() {
        frame.render_widget(Paragraph::new(quiet_line(app, look)), inner);
        return;
    }
    let rows: Vec<Row> = firing
        .iter()
        .take(usize::from(inner.height))
        .map(|a| {
            Row::new(vec![
                Cell::from(Span::styled(
                    clean(a.severity()).into_owned(),
                    look.severity(a.severity()),
                )),
                Cell::from(clean(a.label("region")).into_owned()),
                Cell::from(clean(a.label("service")).into_owned()),
                Cell::from(clean(a.name()).into_owned()),
                Cell::from(since(app, a)),
                Cell::from(Span::styled(summary(a), look.muted())),
            ])
        })
        .collect();
    let widths = [
        Constraint::Length(9),
        Constraint::Length(12),
        Constraint::Length(9),
        Constraint::Length(22),
        Constraint::Length(5),
        Constraint::Min(10),
    ];
    frame.render_widget(Table::new(rows, widths).column_spacing(1), inner);
}
