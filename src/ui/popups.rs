//! Popups drawn over the view: help, the command palette, the silence form,
//! the operation forms, the plan preview and yes/no questions.

pub mod ask;
pub mod help;
pub mod op_form;
pub mod op_form_fleet;
pub mod palette;
pub mod preview;
pub mod silence;

use ratatui::layout::Rect;

/// A `width` × `height` rectangle centred in `area` (clipped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Rows `lines` take when word-wrapped at `width` columns (at least one
/// each), as `Paragraph` wraps them.
pub fn wrapped_rows(lines: &[ratatui::text::Line], width: u16) -> u16 {
    use unicode_width::UnicodeWidthStr;
    let w = usize::from(width.max(1));
    let mut rows = 0usize;
    for l in lines {
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        let mut n = 1;
        let mut col = 0;
        for (i, word) in text.split(' ').enumerate() {
            let ww = word.width();
            if i == 0 {
                col = ww;
            } else if col + 1 + ww > w && ww > 0 {
                n += 1;
                col = ww;
            } else {
                col += 1 + ww;
            }
            while col > w {
                n += 1;
                col -= w;
            }
        }
        rows += n;
    }
    u16::try_from(rows).unwrap_or(u16::MAX)
}
