//! The look of the console: theme slots mapped onto styles, and the symbols
//! (box drawing, marks, sparklines) or their ASCII replacements.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::widgets::{Block, Borders};

use crate::config::Theme;
use crate::model::Health;

pub const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// Styles and symbols for one frame.
#[derive(Debug, Clone, Copy)]
pub struct Look<'a> {
    pub theme: &'a Theme,
    pub ascii: bool,
}

impl<'a> Look<'a> {
    pub fn new(theme: &'a Theme, ascii: bool) -> Self {
        Self { theme, ascii }
    }

    fn fg(&self, c: Color) -> Style {
        Style::new().fg(c)
    }

    pub fn text(&self) -> Style {
        self.fg(self.theme.text)
    }
    pub fn muted(&self) -> Style {
        self.fg(self.theme.muted)
    }
    pub fn accent(&self) -> Style {
        self.fg(self.theme.accent)
    }
    pub fn title(&self) -> Style {
        self.accent().add_modifier(Modifier::BOLD)
    }
    pub fn ok(&self) -> Style {
        self.fg(self.theme.ok)
    }
    pub fn warn(&self) -> Style {
        self.fg(self.theme.warn)
    }
    pub fn critical(&self) -> Style {
        self.fg(self.theme.critical).add_modifier(Modifier::BOLD)
    }
    /// Stale data: dimmed and italic, so it never passes for current even
    /// without colour.
    pub fn stale(&self) -> Style {
        self.fg(self.theme.stale)
            .add_modifier(Modifier::ITALIC | Modifier::DIM)
    }
    pub fn production(&self) -> Style {
        self.fg(self.theme.production_frame)
    }
    pub fn read_only(&self) -> Style {
        let s = Style::new().add_modifier(Modifier::BOLD);
        if self.theme.read_only_banner == Color::Reset {
            s.add_modifier(Modifier::REVERSED)
        } else {
            s.bg(self.theme.read_only_banner)
                .fg(self.theme.selection_text)
        }
    }

    /// The selected row: the theme's colours, or reverse video when the
    /// theme has none (mono).
    pub fn selected(&self) -> Style {
        if self.theme.selection == Color::Reset {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
                .bg(self.theme.selection)
                .fg(self.theme.selection_text)
                .add_modifier(Modifier::BOLD)
        }
    }

    pub fn series(&self, i: usize) -> Style {
        let all = &self.theme.chart_series;
        match all.get(i % all.len().max(1)) {
            Some(c) => self.fg(*c),
            None => self.text(),
        }
    }

    pub fn health(&self, h: Health) -> Style {
        match h {
            Health::Ok => self.ok(),
            Health::Degraded => self.warn().add_modifier(Modifier::BOLD),
            Health::Down => self.critical(),
            Health::Unknown => self.stale(),
        }
    }

    /// A one-column mark that differs by shape, not only colour.
    pub fn mark(&self, h: Health) -> &'static str {
        match (h, self.ascii) {
            (Health::Ok, false) => "✔",
            (Health::Degraded, false) => "▲",
            (Health::Down, false) => "✖",
            (Health::Unknown, false) => "?",
            (Health::Ok, true) => "+",
            (Health::Degraded, true) => "!",
            (Health::Down, true) => "X",
            (Health::Unknown, true) => "?",
        }
    }

    pub fn severity(&self, severity: &str) -> Style {
        match crate::model::query::severity_rank(severity) {
            0 => self.critical(),
            1 => self.warn(),
            _ => self.text(),
        }
    }

    pub fn border_set(&self) -> border::Set<'static> {
        if self.ascii {
            ASCII_BORDER
        } else {
            border::PLAIN
        }
    }

    /// A bordered block with the right symbols.
    pub fn block(&self) -> Block<'static> {
        Block::new()
            .borders(Borders::ALL)
            .border_set(self.border_set())
            .border_style(self.muted())
    }

    pub fn sep(&self) -> &'static str {
        if self.ascii { "|" } else { "│" }
    }

    pub fn ellipsis(&self) -> &'static str {
        if self.ascii { "~" } else { "…" }
    }
}
