//! The fleet view: regions × services. Each region is a framed block
//! (production regions in the production colour); columns drop by priority
//! as the terminal narrows, and blocks go side by side when they would not
//! fit one above the other, so every region's health stays on screen.
//! When they do not fit, one matrix shows every cell; when there are more
//! regions than matrix columns (a large fleet), a list of regions, worst
//! first (`fleet_list`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use crate::app::lists::FleetRow;
use crate::app::state::AppState;
use crate::model::{RegionView, SourceKind};
use crate::sanitize::clean;
use crate::ui::format;
use crate::ui::style::Look;
use crate::ui::widgets::spark;

/// One region block: region index, its header row, its (row, service) pairs.
pub type Block = (usize, usize, Vec<(usize, usize)>);

/// Narrowest block worth putting side by side.
const MIN_BLOCK_WIDTH: u16 = 36;

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, look: &Look) {
    let rows = &app.derived.fleet_rows;
    // Group the flattened rows back into blocks: (region index, [(row index, service index)]).
    let mut blocks: Vec<Block> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        match *row {
            FleetRow::Region(ri) => blocks.push((ri, i, Vec::new())),
            FleetRow::Service(_, si) => {
                if let Some(b) = blocks.last_mut() {
                    b.2.push((i, si));
                }
            }
        }
    }
    if blocks.is_empty() {
        let text = if app.snapshot.regions.is_empty() {
            "No regions configured: add [[regions]] to the configuration."
        } else {
            "Nothing matches the filter."
        };
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {text}"), look.muted())),
            area,
        );
        return;
    }
    // At least one line stays for the firing alerts.
    let cards_h = area.height.saturating_sub(1);
    let n = blocks.len() as u16;
    let most = blocks.iter().map(|b| b.2.len()).max().unwrap_or(0) as u16;
    let need = most + 3;
    let mut cols: u16 = 1;
    while cols < n
        && n.div_ceil(cols) * need > cards_h
        && area.width / (cols + 1) >= MIN_BLOCK_WIDTH
    {
        cols += 1;
    }
    let used = if crate::app::fleet_list::active(app) {
        // Too many regions for matrix columns: a line each, worst first,
        // leaving room for the firing alerts' summary.
        let lines = blocks.len() as u16 * 2 + 3;
        let h = lines.min(if area.height >= 18 {
            area.height - 6
        } else {
            cards_h
        });
        super::fleet_list::draw(frame, Rect { height: h, ..area }, app, &blocks, look);
        h
    } else if n.div_ceil(cols) * need > cards_h {
        // The cards would hide services: one matrix shows every cell.
        let h = super::fleet_matrix::height(app, &blocks, area.width).min(cards_h);
        super::fleet_matrix::draw(frame, Rect { height: h, ..area }, app, &blocks, look);
        h
    } else {
        cards(frame, area, app, &blocks, cols, need, look)
    };
    let rest = Rect {
        y: area.y + used,
        height: area.height.saturating_sub(used),
        ..area
    };
    if rest.height >= 4 {
        super::alerts::firing_summary(frame, rest, app, look);
    } else if rest.height >= 1 {
        super::alerts::firing_line(frame, Rect { height: 1, ..rest }, app, look);
    }
}

/// Region cards in a grid of `cols` columns; returns the rows used.
fn cards(
    frame: &mut Frame,
    area: Rect,
    app: &AppState,
    blocks: &[Block],
    cols: u16,
    need: u16,
    look: &Look,
) -> u16 {
    let n = blocks.len() as u16;
    let grid_rows = n.div_ceil(cols);
    let each = need;
    let used = each * grid_rows;
    let row_areas =
        Layout::vertical((0..grid_rows).map(|_| Constraint::Length(each))).split(Rect {
            height: used.min(area.height),
            ..area
        });
    for (gi, chunk) in blocks.chunks(usize::from(cols)).enumerate() {
        let Some(row_area) = row_areas.get(gi) else {
            break;
        };
        let col_areas =
            Layout::horizontal((0..cols).map(|_| Constraint::Ratio(1, u32::from(cols))))
                .split(*row_area);
        for (block, col_area) in chunk.iter().zip(col_areas.iter()) {
            if let Some(r) = app.snapshot.regions.get(block.0) {
                region_block(frame, *col_area, app, r, block, look);
            }
        }
    }
    used
}

fn prom_stale(r: &RegionView) -> bool {
    r.sources
        .iter()
        .any(|s| s.kind == SourceKind::Prometheus && s.stale)
}

fn region_title(r: &RegionView, selected: bool, look: &Look) -> Line<'static> {
    let mut spans = vec![
        Span::styled(format!(" {} ", look.mark(r.health)), look.health(r.health)),
        Span::styled(clean(&r.name).into_owned(), look.title()),
        Span::styled(format!(" {}", clean(&r.provider)), look.muted()),
    ];
    if r.production {
        spans.push(Span::styled(" PROD", look.production()));
    }
    spans.push(Span::styled(
        format!(" {}", r.health.label()),
        look.health(r.health),
    ));
    // Stale: the oldest source's age; else how old the health and SLO
    // figures are ("live" while their watches are open and polls current).
    match (r.data_age_seconds, r.health_age_seconds, r.stale) {
        (Some(a), _, true) => spans.push(Span::styled(
            format!(" STALE {}", format::age(a)),
            look.stale(),
        )),
        (_, None, _) => spans.push(Span::styled(" no data", look.stale())),
        (_, Some(0), _) => spans.push(Span::styled(" live", look.muted())),
        (_, Some(a), _) => spans.push(Span::styled(format!(" {}", format::age(a)), look.muted())),
    }
    spans.push(Span::raw(" "));
    let line = Line::from(spans);
    if selected {
        line.style(look.selected())
    } else {
        line
    }
}

struct Col {
    title: &'static str,
    width: u16,
}

/// Columns after the service name, in the order they are dropped last-first.
const COLS: [Col; 6] = [
    Col {
        title: "ready",
        width: 5,
    },
    Col {
        title: "err",
        width: 6,
    },
    Col {
        title: "p95",
        width: 6,
    },
    Col {
        title: "alrt",
        width: 4,
    },
    Col {
        title: "req/s",
        width: 6,
    },
    Col {
        title: "$/day",
        width: 8,
    },
];

fn region_block(
    frame: &mut Frame,
    area: Rect,
    app: &AppState,
    r: &RegionView,
    block: &Block,
    look: &Look,
) {
    let (_, head_row, services) = block;
    let title_selected = app.sel.fleet == *head_row;
    let mut frame_block = look.block().title(region_title(r, title_selected, look));
    if r.production {
        frame_block = frame_block.border_style(look.production());
    }
    let inner = frame_block.inner(area);
    frame.render_widget(frame_block, area);

    let label = |c: &crate::model::ServiceCell| {
        app.ops
            .labels
            .get(&(c.service.clone(), r.name.clone()))
            .map(|l| format!(" {}", clean(l)))
    };
    let name_w = services
        .iter()
        .filter_map(|(_, si)| r.services.get(*si))
        .map(|c| (c.service.chars().count() + label(c).map_or(0, |l| l.chars().count())) as u16)
        .max()
        .unwrap_or(6)
        .clamp(6, 26)
        + 2;
    let mut width_left = inner.width.saturating_sub(name_w);
    let mut shown = 0;
    for c in &COLS {
        if width_left < c.width + 1 {
            break;
        }
        width_left -= c.width + 1;
        shown += 1;
    }
    let spark_w = if shown == COLS.len() && width_left > 12 {
        (width_left - 1).min(60)
    } else {
        0
    };
    let mut widths = vec![Constraint::Length(name_w)];
    widths.extend(COLS.iter().take(shown).map(|c| Constraint::Length(c.width)));
    if spark_w > 0 {
        widths.push(Constraint::Length(spark_w));
    }
    let show_header = inner.height as usize > services.len();
    let mut header: Vec<Cell> = vec![Cell::from("service")];
    header.extend(COLS.iter().take(shown).map(|c| Cell::from(c.title)));
    if spark_w > 0 {
        header.push(Cell::from("req/s last hour"));
    }
    let stale_slo = prom_stale(r);
    let currency = app.config.ui.budget.currency.as_str();
    let rows: Vec<Row> = services
        .iter()
        .filter_map(|(row_i, si)| {
            let c = r.services.get(*si)?;
            let spec = app.service_specs.get(*si);
            let slo = if stale_slo { look.stale() } else { look.text() };
            let mut name = vec![
                Span::styled(format!("{} ", look.mark(c.health)), look.health(c.health)),
                Span::styled(clean(&c.service).into_owned(), look.text()),
            ];
            if let Some(l) = label(c) {
                name.push(Span::styled(l, look.accent()));
            }
            let mut cells = vec![Cell::from(Line::from(name))];
            let ready_style = match (c.ready, c.desired) {
                (Some(a), Some(b)) if a < b => look.warn(),
                (Some(_), Some(_)) => look.text(),
                _ => look.stale(),
            };
            let err_style = match (c.error_ratio, spec) {
                _ if stale_slo => look.stale(),
                (Some(e), Some(s)) if e > s.max_error_ratio => look.critical(),
                _ => slo,
            };
            let p95_style = match (c.p95_seconds, spec) {
                _ if stale_slo => look.stale(),
                (Some(p), Some(s)) if p > s.max_p95_seconds => look.warn(),
                _ => slo,
            };
            let alert_style = if c.critical_alerts > 0 {
                look.critical()
            } else if c.firing_alerts > 0 {
                look.warn()
            } else {
                look.muted()
            };
            let all = [
                Cell::from(Span::styled(
                    // `m`: from kube-state-metrics, not a watch.
                    match (c.ready, c.desired) {
                        (Some(a), Some(b)) if c.from_metrics => format!("{a}/{b}m"),
                        (Some(a), Some(b)) => format!("{a}/{b}"),
                        _ => "-".into(),
                    },
                    ready_style,
                )),
                Cell::from(Span::styled(
                    format::opt(c.error_ratio, format::pct),
                    err_style,
                )),
                Cell::from(Span::styled(
                    format::opt(c.p95_seconds, format::latency),
                    p95_style,
                )),
                Cell::from(Span::styled(
                    if c.firing_alerts > 0 {
                        c.firing_alerts.to_string()
                    } else {
                        "-".into()
                    },
                    alert_style,
                )),
                Cell::from(Span::styled(format::opt(c.request_rate, format::rate), slo)),
                Cell::from(Span::styled(
                    format::opt(c.cost_per_day, |v| {
                        format::money_ascii(v, currency, look.ascii)
                    }),
                    look.text(),
                )),
            ];
            cells.extend(all.into_iter().take(shown));
            if spark_w > 0 {
                let series: Vec<f64> = app
                    .fleet
                    .regions
                    .get(&r.name)
                    .and_then(|d| d.slo_series.get(&c.service))
                    .map(|s| s.request_rate.iter().map(|p| p.1).collect())
                    .unwrap_or_default();
                let style = if stale_slo {
                    look.stale()
                } else {
                    look.series(0)
                };
                cells.push(Cell::from(Span::styled(
                    spark::line(&series, usize::from(spark_w), look.ascii),
                    style,
                )));
            }
            let row = Row::new(cells);
            Some(if app.sel.fleet == *row_i {
                row.style(look.selected())
            } else {
                row
            })
        })
        .collect();
    let mut table = Table::new(rows, widths)
        .column_spacing(1)
        .style(Style::new());
    if show_header {
        table = table.header(Row::new(header).style(look.muted()));
    }
    frame.render_widget(table, inner);
}
