//! Pure drawing: [`draw`] turns an [`AppState`] into one frame. No I/O, no
//! awaiting, no locks; only the visible window of big lists becomes rows.
//! Every string that came from outside goes through [`crate::sanitize::clean`].
//!
//! `ui` reads the console's state (`app::state`, `app::lists`,
//! `app::costs`) and the model; it never imports `sources` or `control`.

pub mod chrome;
pub mod format;
pub mod popups;

pub mod style;
pub mod views;
pub mod widgets;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

use crate::app::state::{AppState, Overlay, View};
use crate::config::Theme;
use style::Look;

/// Draws the whole screen: header, the current view, footer, overlays.
pub fn draw(frame: &mut Frame, app: &AppState, theme: &Theme) {
    let look = Look::new(theme, app.ascii);
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    chrome::header(frame, header, app, &look);
    match app.view() {
        View::Fleet => views::fleet::draw(frame, body, app, &look),
        View::Region(r) => views::region::draw(frame, body, app, r, &look),
        View::Service(s) => views::service::draw(frame, body, app, s, &look),
        View::Logs => views::logs::draw(frame, body, app, &look),
        View::Alerts => views::alerts::draw(frame, body, app, &look),
        View::Costs => views::costs::draw(frame, body, app, &look),
        View::Operations => views::operations::draw(frame, body, app, &look),
    }
    chrome::footer(frame, footer, app, &look);
    match &app.overlay {
        Some(Overlay::Help { scroll }) => popups::help::draw(frame, app, *scroll, &look),
        Some(Overlay::Palette(p)) => popups::palette::draw(frame, app, p, &look),
        Some(Overlay::Silence(f)) => popups::silence::draw(frame, app, f, &look),
        Some(Overlay::OpForm(f)) => popups::op_form::draw(frame, app, f, &look),
        Some(Overlay::Planning { summary, .. }) => {
            popups::op_form::planning(frame, app, summary, &look)
        }
        Some(Overlay::Preview(p)) => popups::preview::draw(frame, app, p, &look),
        Some(Overlay::Ask(q)) => popups::ask::draw(frame, app, q, &look),
        None => {}
    }
}
