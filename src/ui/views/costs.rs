//! The costs view: month to date, forecast and budget burn; cost by
//! provider, region or service; daily bars for 30 days with anomalies
//! (days above mean + 3σ) flagged.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use crate::app::costs::{CostRow, DAYS};
use crate::app::state::{AppState, CostGroup};
use crate::sanitize::clean;
use crate::ui::format;
use crate::ui::style::Look;
use crate::ui::views::alerts::tabs_line;
use crate::ui::widgets::{spark, table};

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, look: &Look) {
    let currency = app.config.ui.budget.currency.as_str();
    let money = |v: f64| format::money_ascii(v, currency, look.ascii);
    let Some(sum) = &app.derived.costs.summary else {
        frame.render_widget(
            Paragraph::new(Line::styled(
                " No cost data yet: no billing source has answered.",
                look.muted(),
            )),
            area,
        );
        return;
    };
    let rows = &app.derived.costs.rows;
    let table_h = (rows.len() as u16 + 1).clamp(2, (area.height / 3).max(2));
    let [head, tabs, list, chart] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Length(table_h),
        Constraint::Min(3),
    ])
    .areas(area);

    let over = sum.forecast_burn().is_some_and(|b| b > 1.0);
    let mut first = vec![
        Span::styled(" Month to date ", look.muted()),
        Span::styled(money(sum.month_to_date), look.text()),
        Span::styled("   Forecast ", look.muted()),
        Span::styled(
            money(sum.forecast),
            if over { look.critical() } else { look.text() },
        ),
    ];
    let mut second = vec![Span::raw(" ")];
    match (sum.budget, sum.burn(), sum.forecast_burn()) {
        (Some(b), Some(burn), Some(fburn)) => {
            first.push(Span::styled(
                format!(
                    " ({:.0}% of budget{})",
                    fburn * 100.0,
                    if over { ", OVER" } else { "" }
                ),
                if over { look.critical() } else { look.muted() },
            ));
            let ahead = burn > sum.month_elapsed * 1.05;
            second.push(Span::styled("Budget ", look.muted()));
            second.push(Span::styled(money(b), look.text()));
            second.push(Span::styled("   Burn ", look.muted()));
            second.push(Span::styled(
                format!("{:.0}%", burn * 100.0),
                if ahead { look.warn() } else { look.ok() },
            ));
            second.push(Span::styled(
                format!(" with {:.0}% of the month gone", sum.month_elapsed * 100.0),
                look.muted(),
            ));
        }
        _ => second.push(Span::styled(
            "No budget set (ui.budget.monthly)",
            look.muted(),
        )),
    }
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        head,
    );

    let labels: Vec<String> = CostGroup::ALL
        .iter()
        .map(|g| g.label().to_string())
        .collect();
    let active = CostGroup::ALL
        .iter()
        .position(|g| *g == app.sel.cost_group)
        .unwrap_or(0);
    frame.render_widget(Paragraph::new(tabs_line(&labels, active, look)), tabs);

    let grand: f64 = rows.iter().map(|r| r.total).sum();
    let header = Row::new(["name", "last day", "30 days", "share", "trend", "anomalies"])
        .style(look.muted());
    let widths = [
        Constraint::Length(16),
        Constraint::Length(10),
        Constraint::Length(11),
        Constraint::Length(6),
        Constraint::Length(30),
        Constraint::Min(9),
    ];
    table::draw(
        frame,
        list,
        header,
        &widths,
        rows.len(),
        app.sel.costs,
        look.selected(),
        |start, n| {
            rows.iter()
                .skip(start)
                .take(n)
                .map(|r| {
                    let flagged = r.anomalies.iter().filter(|a| **a).count();
                    Row::new(vec![
                        Cell::from(clean(&r.name).into_owned()),
                        Cell::from(money(r.last())),
                        Cell::from(money(r.total)),
                        Cell::from(format!(
                            "{:.0}%",
                            if grand > 0.0 {
                                r.total / grand * 100.0
                            } else {
                                0.0
                            }
                        )),
                        Cell::from(Span::styled(
                            spark::line(&r.daily, 30, look.ascii),
                            look.series(0),
                        )),
                        Cell::from(Span::styled(
                            if flagged > 0 {
                                format!("{flagged} day(s)")
                            } else {
                                "-".into()
                            },
                            if flagged > 0 {
                                look.critical()
                            } else {
                                look.muted()
                            },
                        )),
                    ])
                })
                .collect()
        },
    );

    let Some(selected) = rows.get(app.sel.costs).or(app.derived.costs.total.as_ref()) else {
        return;
    };
    let age = app
        .snapshot
        .regions
        .iter()
        .filter_map(|r| r.cost_age_seconds)
        .max();
    let title = format!(
        " Daily cost: {} (30 days to {}; billing {}) ",
        clean(&selected.name),
        sum.last_day,
        match age {
            Some(0) => "current".to_string(),
            Some(a) => format!("data {}", format::age(a)),
            None => "no data yet".to_string(),
        }
    );
    bars(frame, chart, selected, &title, look, &money);
}

fn bars(
    frame: &mut Frame,
    area: Rect,
    row: &CostRow,
    title: &str,
    look: &Look,
    money: &dyn Fn(f64) -> String,
) {
    let flags = &row.anomalies;
    let block = look
        .block()
        .title(Span::styled(title.to_string(), look.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // Two columns per day when there is room.
    let per_day = if usize::from(inner.width) >= DAYS * 2 + 12 {
        2
    } else {
        1
    };
    let height = usize::from(inner.height.saturating_sub(1)).max(1);
    let grid = spark::bars(&row.daily, height, look.ascii);
    let (lo, hi) = spark::range(&row.daily);
    let mut lines: Vec<Line> = Vec::new();
    let bottom = grid.len().saturating_sub(1);
    for (ri, cols) in grid.iter().enumerate() {
        let label = match ri {
            0 => format!("{:>10} ", money(hi)),
            r if r == bottom => format!("{:>10} ", money(lo)),
            _ => " ".repeat(11),
        };
        let mut spans = vec![Span::styled(label, look.muted())];
        for (i, ch) in cols.iter().enumerate() {
            let style = if flags.get(i).copied().unwrap_or(false) {
                look.critical()
            } else {
                look.series(0)
            };
            let cell = if per_day == 2 {
                format!("{ch} ")
            } else {
                ch.to_string()
            };
            spans.push(Span::styled(cell, style));
        }
        lines.push(Line::from(spans));
    }
    // Marks under anomalous days, and the rule that flags them.
    let mut marks = vec![Span::raw(" ".repeat(11))];
    for f in flags {
        let m = if *f { "!" } else { " " };
        marks.push(Span::styled(
            format!("{m}{}", if per_day == 2 { " " } else { "" }),
            look.critical(),
        ));
    }
    if flags.iter().any(|f| *f) {
        marks.push(Span::styled(
            " ! above mean+3σ".replace('σ', if look.ascii { "sd" } else { "σ" }),
            look.critical(),
        ));
    }
    lines.push(Line::from(marks));
    frame.render_widget(Paragraph::new(lines), inner);
}
