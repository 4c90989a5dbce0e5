//! Keymaps: every key the console reacts to is a binding here, with a
//! description; the help screen and footer hints are generated from them.
//!
//! Built-in keymaps are the files in `keymaps/`. A user keymap may set
//! `extends = "<built-in>"`: each of its bindings replaces the built-in keys
//! for the same action and context, `[[unbind]]` removes keys, and anything
//! else is inherited.

mod action;
mod chord;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use action::{Action, Context};
pub use chord::{CHORD_HELP, KeyChord};

use super::error::{ConfigError, ConfigErrors, nearest, parse_toml};
use super::locate::PathSeg;
use super::named::{Found, Lookup};

pub const BUILT_IN: &[(&str, &str)] = &[
    ("default", include_str!("../../keymaps/default.toml")),
    ("vim", include_str!("../../keymaps/vim.toml")),
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Binding {
    pub keys: Vec<KeyChord>,
    pub action: Action,
    pub context: Context,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Keymap {
    pub name: String,
    pub bindings: Vec<Binding>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    extends: Option<String>,
    bindings: Option<Vec<BindingFile>>,
    unbind: Option<Vec<UnbindFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BindingFile {
    keys: Vec<String>,
    action: String,
    context: Option<String>,
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnbindFile {
    keys: Vec<String>,
    context: Option<String>,
}

impl Keymap {
    /// The action bound to `chord` in `context`, falling back to `global`
    /// except where typed text goes to an input (palette, filter).
    pub fn action(&self, context: Context, chord: KeyChord) -> Option<Action> {
        let find = |ctx: Context| {
            self.bindings
                .iter()
                .find(|b| b.context == ctx && b.keys.contains(&chord))
                .map(|b| b.action)
        };
        let falls_back = !matches!(
            context,
            Context::Global | Context::Palette | Context::Filter
        );
        find(context).or_else(|| falls_back.then(|| find(Context::Global)).flatten())
    }

    /// The keys bound to `action` in `context` (or globally), for hints.
    pub fn keys_for(&self, context: Context, action: Action) -> Vec<KeyChord> {
        self.bindings
            .iter()
            .filter(|b| {
                b.action == action && (b.context == context || b.context == Context::Global)
            })
            .flat_map(|b| b.keys.iter().copied())
            .collect()
    }

    /// Loads `name`: a user file in `user_dirs`, a built-in, or a `.toml` path.
    pub fn load(name: &str, user_dirs: &[PathBuf], origin: &Path) -> Result<Keymap, ConfigErrors> {
        let lookup = Lookup {
            what: "keymap",
            built_in: BUILT_IN,
            user_dirs,
            origin,
        };
        match lookup.find(name)? {
            Found::File(path) => Self::from_file(&path, name),
            Found::BuiltIn(text) => Self::parse(
                Path::new(&format!("<built-in>/keymaps/{name}.toml")),
                text,
                name,
            ),
        }
    }

    pub fn built_in(name: &str) -> Result<Option<Keymap>, ConfigErrors> {
        let Some((_, text)) = BUILT_IN.iter().find(|(n, _)| *n == name) else {
            return Ok(None);
        };
        Self::parse(
            Path::new(&format!("<built-in>/keymaps/{name}.toml")),
            text,
            name,
        )
        .map(Some)
    }

    fn from_file(path: &Path, name: &str) -> Result<Keymap, ConfigErrors> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::file(path, format!("cannot read keymap file: {e}")))?;
        Self::parse(path, &text, name)
    }

    /// Parses a keymap file, reporting every unknown action or context, bad
    /// key and conflicting binding with its line.
    pub fn parse(path: &Path, text: &str, name: &str) -> Result<Keymap, ConfigErrors> {
        let file: KeymapFile = parse_toml(path, text)?;
        let mut errors = Vec::new();
        let at =
            |seg: Vec<PathSeg>, problem: String| ConfigError::at_path(path, text, &seg, problem);
        let key = |s: &str| PathSeg::Key(s.to_string());

        let mut own: Vec<(usize, Binding)> = Vec::new();
        for (n, b) in file.bindings.unwrap_or_default().into_iter().enumerate() {
            let base = vec![key("bindings"), PathSeg::Index(n)];
            let action = Action::from_name(&b.action);
            if action.is_none() {
                let mut valid = format!("one of {}", Action::NAMES.join(", "));
                if let Some(near) = nearest(&b.action, Action::NAMES) {
                    valid = format!("did you mean `{near}`? ({valid})");
                }
                let seg = [base.clone(), vec![key("action")]].concat();
                errors.push(
                    at(seg, "unknown action".into())
                        .found(format!("{:?}", b.action))
                        .valid(valid),
                );
            }
            let context = parse_context(b.context.as_deref(), &base, &at, &mut errors);
            let keys = parse_keys(&b.keys, &base, &at, &mut errors);
            if let (Some(action), Some(context)) = (action, context) {
                let description = b
                    .description
                    .unwrap_or_else(|| action.name().replace('-', " "));
                own.push((
                    n,
                    Binding {
                        keys,
                        action,
                        context,
                        description,
                    },
                ));
            }
        }
        for (a, (na, ba)) in own.iter().enumerate() {
            for (nb, bb) in own.iter().skip(a + 1) {
                if ba.context != bb.context || ba.action == bb.action {
                    continue;
                }
                if let Some(k) = ba.keys.iter().find(|k| bb.keys.contains(k)) {
                    let line_a =
                        super::locate::locate(text, &[key("bindings"), PathSeg::Index(*na)])
                            .map(|p| p.line);
                    let seg = vec![key("bindings"), PathSeg::Index(*nb), key("keys")];
                    let first = line_a.map(|l| format!(" (line {l})")).unwrap_or_default();
                    errors.push(
                        at(
                            seg,
                            format!(
                                "conflicting binding: `{k}` in context `{}`",
                                bb.context.name()
                            ),
                        )
                        .found(format!(
                            "`{k}` bound to both `{}`{first} and `{}`",
                            ba.action.name(),
                            bb.action.name()
                        ))
                        .valid("one action per key and context; unbind or rebind one of them"),
                    );
                }
            }
        }

        let mut bindings = match &file.extends {
            None => Vec::new(),
            Some(parent) => match BUILT_IN.iter().find(|(n, _)| n == parent) {
                Some(_) => Self::built_in(parent)?
                    .map(|k| k.bindings)
                    .unwrap_or_default(),
                None => {
                    let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
                    errors.push(
                        at(vec![key("extends")], "unknown built-in keymap".into())
                            .found(format!("{parent:?}"))
                            .valid(format!("one of {}", names.join(", "))),
                    );
                    Vec::new()
                }
            },
        };
        for (n, u) in file.unbind.unwrap_or_default().into_iter().enumerate() {
            let base = vec![key("unbind"), PathSeg::Index(n)];
            let context = parse_context(u.context.as_deref(), &base, &at, &mut errors);
            let keys = parse_keys(&u.keys, &base, &at, &mut errors);
            if let Some(context) = context {
                remove_keys(&mut bindings, context, &keys);
            }
        }
        for (_, b) in own {
            bindings.retain(|old| !(old.context == b.context && old.action == b.action));
            remove_keys(&mut bindings, b.context, &b.keys);
            bindings.push(b);
        }
        if errors.is_empty() {
            Ok(Keymap {
                name: name.to_string(),
                bindings,
            })
        } else {
            Err(ConfigErrors(errors))
        }
    }
}

fn remove_keys(bindings: &mut Vec<Binding>, context: Context, keys: &[KeyChord]) {
    for b in bindings.iter_mut().filter(|b| b.context == context) {
        b.keys.retain(|k| !keys.contains(k));
    }
    bindings.retain(|b| !b.keys.is_empty());
}

fn parse_context(
    raw: Option<&str>,
    base: &[PathSeg],
    at: &dyn Fn(Vec<PathSeg>, String) -> ConfigError,
    errors: &mut Vec<ConfigError>,
) -> Option<Context> {
    let raw = raw.unwrap_or("global");
    let ctx = Context::from_name(raw);
    if ctx.is_none() {
        let mut valid = format!("one of {}", Context::NAMES.join(", "));
        if let Some(near) = nearest(raw, Context::NAMES) {
            valid = format!("did you mean `{near}`? ({valid})");
        }
        let seg = [base, &[PathSeg::Key("context".into())]].concat();
        errors.push(
            at(seg, "unknown context".into())
                .found(format!("{raw:?}"))
                .valid(valid),
        );
    }
    ctx
}

fn parse_keys(
    raw: &[String],
    base: &[PathSeg],
    at: &dyn Fn(Vec<PathSeg>, String) -> ConfigError,
    errors: &mut Vec<ConfigError>,
) -> Vec<KeyChord> {
    if raw.is_empty() {
        let seg = [base, &[PathSeg::Key("keys".into())]].concat();
        errors.push(at(seg, "no keys given".into()).valid("at least one key, e.g. keys = [\"q\"]"));
    }
    raw.iter()
        .enumerate()
        .filter_map(|(m, k)| {
            let chord = KeyChord::parse(k);
            if chord.is_none() {
                let seg = [base, &[PathSeg::Key("keys".into()), PathSeg::Index(m)]].concat();
                errors.push(
                    at(seg, "not a key".into())
                        .found(format!("{k:?}"))
                        .valid(CHORD_HELP),
                );
            }
            chord
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chord(s: &str) -> KeyChord {
        KeyChord::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn user_keymap_rebinds_and_unbinds() {
        let text = "extends = \"default\"\n[[bindings]]\nkeys = [\"x\"]\naction = \"quit\"\n\n[[unbind]]\nkeys = [\"?\"]\n";
        let k = Keymap::parse(Path::new("mine.toml"), text, "mine").ok();
        let k = k.as_ref();
        assert_eq!(
            k.and_then(|k| k.action(Context::Table, chord("x"))),
            Some(Action::Quit)
        );
        assert_eq!(
            k.and_then(|k| k.action(Context::Global, chord("q"))),
            None,
            "q was replaced by x"
        );
        assert_eq!(
            k.and_then(|k| k.action(Context::Global, chord("?"))),
            None,
            "? was unbound"
        );
        assert_eq!(
            k.and_then(|k| k.action(Context::Global, chord(":"))),
            Some(Action::Palette)
        );
    }

    #[test]
    fn context_binding_wins_over_global() {
        let k = Keymap::built_in("default").ok().flatten();
        let k = k.as_ref();
        assert_eq!(
            k.and_then(|k| k.action(Context::Filter, chord("esc"))),
            Some(Action::Cancel)
        );
        assert_eq!(
            k.and_then(|k| k.action(Context::Table, chord("esc"))),
            Some(Action::Back)
        );
    }
}
