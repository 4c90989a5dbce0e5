//! Colour themes: semantic slots (ok, warn, critical, ...), not widget names.
//!
//! Built-in themes are the files in `themes/`, embedded in the binary. A user
//! theme (`<config dir>/themes/<name>.toml`) may set `extends = "<built-in>"`
//! and override only some slots. Colours parse through ratatui's serde support.

use std::path::{Path, PathBuf};

use ratatui::style::Color;
use serde::{Deserialize, Serialize};

use super::error::{ConfigError, parse_toml};
use super::locate::PathSeg;
use super::named::{Found, Lookup};

/// The built-in themes, name and file text.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("ansi16", include_str!("../../themes/ansi16.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// What a colour value may be, for error messages.
pub const COLOUR_HELP: &str = "a colour name (black, red, green, yellow, blue, magenta, cyan, gray, \
dark-gray, light-red, light-green, light-yellow, light-blue, light-magenta, light-cyan, white, reset), \
a hex value \"#rrggbb\", or an index \"0\"..\"255\"";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Theme {
    pub name: String,
    pub text: Color,
    pub background: Color,
    pub muted: Color,
    pub accent: Color,
    pub ok: Color,
    pub warn: Color,
    pub critical: Color,
    pub stale: Color,
    pub selection: Color,
    pub selection_text: Color,
    pub production_frame: Color,
    pub read_only_banner: Color,
    pub chart_series: Vec<Color>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    extends: Option<String>,
    colors: Option<Slots>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Slots {
    text: Option<Color>,
    background: Option<Color>,
    muted: Option<Color>,
    accent: Option<Color>,
    ok: Option<Color>,
    warn: Option<Color>,
    critical: Option<Color>,
    stale: Option<Color>,
    selection: Option<Color>,
    selection_text: Option<Color>,
    production_frame: Option<Color>,
    read_only_banner: Option<Color>,
    chart_series: Option<Vec<Color>>,
}

impl Theme {
    /// Loads `name`: a user file in one of `user_dirs` (which may extend a
    /// built-in), else a built-in, else a path to a `.toml` file.
    pub fn load(name: &str, user_dirs: &[PathBuf], origin: &Path) -> Result<Theme, ConfigError> {
        let lookup = Lookup {
            what: "theme",
            built_in: BUILT_IN,
            user_dirs,
            origin,
        };
        match lookup.find(name)? {
            Found::File(path) => Self::from_file(&path, name),
            Found::BuiltIn(text) => Self::parse(
                Path::new(&format!("<built-in>/themes/{name}.toml")),
                text,
                name,
            ),
        }
    }

    /// A built-in theme by name.
    pub fn built_in(name: &str) -> Result<Option<Theme>, ConfigError> {
        let Some((_, text)) = BUILT_IN.iter().find(|(n, _)| *n == name) else {
            return Ok(None);
        };
        let path = PathBuf::from(format!("<built-in>/themes/{name}.toml"));
        Self::parse(&path, text, name).map(Some)
    }

    fn from_file(path: &Path, name: &str) -> Result<Theme, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::file(path, format!("cannot read theme file: {e}")))?;
        Self::parse(path, &text, name)
    }

    /// Parses a theme file; a file without `extends` must set every slot.
    pub fn parse(path: &Path, text: &str, name: &str) -> Result<Theme, ConfigError> {
        let file: ThemeFile = parse_toml(path, text).map_err(colour_hint)?;
        let base = match &file.extends {
            Some(parent) => match BUILT_IN.iter().find(|(n, _)| n == parent) {
                Some((_, t)) => Some(Self::parse(
                    Path::new(&format!("<built-in>/themes/{parent}.toml")),
                    t,
                    parent,
                )?),
                None => {
                    let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
                    return Err(ConfigError::at_path(
                        path,
                        text,
                        &[PathSeg::Key("extends".into())],
                        "unknown built-in theme",
                    )
                    .found(format!("{parent:?}"))
                    .valid(format!("one of {}", names.join(", "))));
                }
            },
            None => None,
        };
        let s = file.colors.unwrap_or_default();
        let mut missing: Vec<&str> = Vec::new();
        macro_rules! slot {
            ($f:ident) => {
                match (s.$f, &base) {
                    (Some(c), _) => c,
                    (None, Some(b)) => b.$f,
                    (None, None) => {
                        missing.push(stringify!($f));
                        Color::Reset
                    }
                }
            };
        }
        let chart_series = match (s.chart_series, &base) {
            (Some(c), _) if !c.is_empty() => c,
            (Some(_), _) => {
                return Err(ConfigError::at_path(
                    path,
                    text,
                    &[
                        PathSeg::Key("colors".into()),
                        PathSeg::Key("chart_series".into()),
                    ],
                    "empty list",
                )
                .valid("at least one colour"));
            }
            (None, Some(b)) => b.chart_series.clone(),
            (None, None) => {
                missing.push("chart_series");
                Vec::new()
            }
        };
        let theme = Theme {
            name: name.to_string(),
            text: slot!(text),
            background: slot!(background),
            muted: slot!(muted),
            accent: slot!(accent),
            ok: slot!(ok),
            warn: slot!(warn),
            critical: slot!(critical),
            stale: slot!(stale),
            selection: slot!(selection),
            selection_text: slot!(selection_text),
            production_frame: slot!(production_frame),
            read_only_banner: slot!(read_only_banner),
            chart_series,
        };
        if missing.is_empty() {
            return Ok(theme);
        }
        Err(ConfigError::at_path(
            path,
            text,
            &[PathSeg::Key("colors".into())],
            format!("missing colour slots: {}", missing.join(", ")),
        )
        .valid("set each of them, or add extends = \"default\" at the top to inherit the rest"))
    }
    /// Every colour of the theme, for checks such as "ansi16 uses only the 16 basic colours".
    pub fn colours(&self) -> Vec<Color> {
        let mut all = vec![
            self.text,
            self.background,
            self.muted,
            self.accent,
            self.ok,
            self.warn,
            self.critical,
            self.stale,
            self.selection,
            self.selection_text,
            self.production_frame,
            self.read_only_banner,
        ];
        all.extend(self.chart_series.iter().copied());
        all
    }
}

/// ratatui's colour error says only "Failed to parse Colors": say what is valid.
fn colour_hint(mut e: ConfigError) -> ConfigError {
    if e.key.starts_with("colors") && e.problem.contains("Failed to parse Color") {
        e.problem = "not a colour".into();
        e.valid = Some(COLOUR_HELP.into());
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_theme_overrides_some_slots() {
        let text = "extends = \"default\"\n[colors]\nok = \"#00ff00\"\n";
        let t = Theme::parse(Path::new("mine.toml"), text, "mine");
        let t = t.ok();
        let base = Theme::built_in("default").ok().flatten();
        assert_eq!(t.as_ref().map(|t| t.ok), Some(Color::Rgb(0, 255, 0)));
        assert_eq!(t.map(|t| t.critical), base.map(|b| b.critical));
    }

    #[test]
    fn bad_colour_names_slot_and_value() {
        let text = "extends = \"default\"\n[colors]\nwarn = \"blurple\"\n";
        let e = Theme::parse(Path::new("mine.toml"), text, "mine")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("mine.toml:3:8")
                && e.contains("colors.warn")
                && e.contains("blurple")
                && e.contains("#rrggbb"),
            "{e}"
        );
    }
}
