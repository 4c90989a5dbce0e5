//! What every tab of the region view shares: the region being drawn, the
//! styles of stale clusters and ages, and the windowed table each tab is.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::widgets::Row;

use crate::app::state::AppState;
use crate::model::state::RegionData;
use crate::model::{RegionView, SourceKind, SourceStatus, Timestamp};
use crate::ui::format;
use crate::ui::style::Look;
use crate::ui::widgets::table;

/// The region a tab draws, and how.
pub struct Tab<'a> {
    pub app: &'a AppState,
    pub region: &'a str,
    /// The region in the snapshot, if it is there.
    pub view: Option<&'a RegionView>,
    pub look: &'a Look<'a>,
}

impl Tab<'_> {
    /// The region's data, if any came.
    pub fn data(&self) -> Option<&RegionData> {
        self.app.fleet.regions.get(self.region)
    }

    /// The `/` filter's text.
    pub fn filter(&self) -> &str {
        &self.app.filter.text
    }

    /// The Kubernetes source of `context`, if it ever reported.
    pub fn kube_source(&self, context: &str) -> Option<&SourceStatus> {
        self.view.and_then(|r| {
            r.sources
                .iter()
                .find(|s| s.kind == SourceKind::Kubernetes && s.name == context)
        })
    }

    /// Whether the Kubernetes source of `context` is stale.
    pub fn kube_stale(&self, context: &str) -> bool {
        self.kube_source(context).is_none_or(|s| s.stale)
    }

    /// `normal`, or the stale style when `context` is stale.
    pub fn stale_or(&self, context: &str, normal: Style) -> Style {
        if self.kube_stale(context) {
            self.look.stale()
        } else {
            normal
        }
    }

    /// How long ago `t` was, or "-".
    pub fn age(&self, t: Option<Timestamp>) -> String {
        t.map(|t| format::age(self.app.now.duration_since(t).as_secs()))
            .unwrap_or_else(|| "-".into())
    }

    /// Draws the tab's `total` rows under `titles`, `rows(start, count)`
    /// building only the window on screen, the selected row highlighted.
    pub fn table<'r>(
        &self,
        frame: &mut Frame,
        area: Rect,
        titles: &[&'r str],
        widths: &[Constraint],
        total: usize,
        rows: impl FnOnce(usize, usize) -> Vec<Row<'r>>,
    ) {
        let header = Row::new(titles.iter().copied()).style(self.look.muted());
        table::draw(
            frame,
            area,
            header,
            widths,
            total,
            self.app.sel.region,
            self.look.selected(),
            rows,
        );
    }
}
