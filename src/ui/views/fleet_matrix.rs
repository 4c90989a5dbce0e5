//! The fleet as one matrix when the region cards do not fit: services as
//! rows, regions as columns, each cell the service's health mark and ready
//! count in that region, so every region × service stays on screen. Down
//! moves within a region's column, right to the same service in the next
//! region, as with the cards. Region names too long for their column are
//! staggered over two header lines.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::fleet::Block;
use crate::app::state::AppState;
use crate::model::{RegionView, ServiceCell};
use crate::sanitize::clean;
use crate::ui::style::Look;

/// Rows the matrix needs for `blocks`: borders, header, one per service.
pub fn height(app: &AppState, blocks: &[Block], width: u16) -> u16 {
    let services = services(blocks).len() as u16;
    let (_, col_w) = widths(app, blocks, width);
    let header = if staggered(app, blocks, col_w) { 2 } else { 1 };
    services + header + 2
}

/// Service indices in first-seen order across the blocks.
fn services(blocks: &[Block]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for (_, _, rows) in blocks {
        for (_, si) in rows {
            if !out.contains(si) {
                out.push(*si);
            }
        }
    }
    out
}

fn region<'a>(app: &'a AppState, b: &Block) -> Option<&'a RegionView> {
    app.snapshot.regions.get(b.0)
}

/// (service name column, each region column), inside the borders.
fn widths(app: &AppState, blocks: &[Block], width: u16) -> (u16, u16) {
    let name_w = services(blocks)
        .iter()
        .filter_map(|si| {
            blocks
                .iter()
                .find_map(|b| region(app, b)?.services.get(*si))
                .map(|c| c.service.width() as u16)
        })
        .max()
        .unwrap_or(6)
        .clamp(6, 16)
        + 1;
    let inner = width.saturating_sub(2);
    let n = blocks.len().max(1) as u16;
    let col_w = (inner.saturating_sub(name_w) / n).clamp(6, 16);
    (name_w, col_w)
}

fn header_name(r: &RegionView, look: &Look) -> String {
    format!("{} {}", look.mark(r.health), clean(&r.name))
}

/// Whether some region's header (mark, space, name) needs more than its
/// column.
fn staggered(app: &AppState, blocks: &[Block], col_w: u16) -> bool {
    blocks
        .iter()
        .filter_map(|b| region(app, b))
        .any(|r| r.name.width() + 2 >= usize::from(col_w))
}

/// A service's cell in a region: health mark and ready count (`m`: from
/// kube-state-metrics; `*`: an operation runs on it), in its health's style.
pub fn cell(app: &AppState, r: &RegionView, c: &ServiceCell, look: &Look) -> (String, Style) {
    let ready = match (c.ready, c.desired) {
        (Some(a), Some(d)) if c.from_metrics => format!("{a}/{d}m"),
        (Some(a), Some(d)) => format!("{a}/{d}"),
        _ => "-".into(),
    };
    let op = app
        .ops
        .labels
        .contains_key(&(c.service.clone(), r.name.clone()));
    let text = format!(
        "{} {ready}{}",
        look.mark(c.health),
        if op { "*" } else { "" }
    );
    let style = if op {
        look.accent()
    } else if r.stale {
        look.stale()
    } else {
        look.health(c.health)
    };
    (text, style)
}

/// Pads or cuts `s` to `w` columns.
pub fn fit(s: &str, w: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + cw > w {
            break;
        }
        used += cw;
        out.push(c);
    }
    out + &" ".repeat(w.saturating_sub(used))
}

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, blocks: &[Block], look: &Look) {
    let svcs = services(blocks);
    let block = look.block().title(Span::styled(
        format!(
            " Fleet: {} regions {} {} services ",
            blocks.len(),
            if look.ascii { "x" } else { "×" },
            svcs.len()
        ),
        look.title(),
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (name_w, col_w) = widths(app, blocks, area.width);
    let (nw, cw) = (usize::from(name_w), usize::from(col_w));
    let mut lines: Vec<Line> = Vec::new();

    // Region headers: one line, or even columns on the first line and odd
    // ones on the second, so a long name can run over its neighbour's slot.
    let n = blocks.len();
    let two = staggered(app, blocks, col_w);
    let step = if two { 2 } else { 1 };
    for line in 0..step {
        let mut spans = vec![Span::raw(" ".repeat(nw + line * cw))];
        for i in (line..n).step_by(step) {
            let Some(r) = region(app, &blocks[i]) else {
                continue;
            };
            let style = if app.sel.fleet == blocks[i].1 {
                look.selected()
            } else if r.stale {
                look.stale()
            } else if r.production {
                look.production()
            } else {
                look.health(r.health)
            };
            // The last name of a line may use the rest of the width.
            let start = nw + i * cw;
            let room = if i + step >= n {
                usize::from(inner.width).saturating_sub(start)
            } else {
                cw * step
            };
            let full = header_name(r, look);
            let name = if full.width() < room {
                full
            } else {
                // The colour still tells the health; the name matters more.
                clean(&r.name).into_owned()
            };
            spans.push(Span::styled(fit(&name, room.saturating_sub(1)), style));
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(spans));
    }

    for si in &svcs {
        let name = blocks
            .iter()
            .find_map(|b| region(app, b)?.services.get(*si))
            .map(|c| clean(&c.service).into_owned())
            .unwrap_or_default();
        let mut spans = vec![Span::styled(fit(&name, nw), look.text())];
        for b in blocks {
            let Some(r) = region(app, b) else { continue };
            let row = b.2.iter().find(|(_, s)| s == si).map(|(row, _)| *row);
            let Some(c) = r.services.get(*si).filter(|_| row.is_some()) else {
                spans.push(Span::raw(" ".repeat(cw)));
                continue;
            };
            let (text, mut style) = cell(app, r, c, look);
            if row == Some(app.sel.fleet) {
                style = look.selected();
            }
            spans.push(Span::styled(fit(&text, cw - 1), style));
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
