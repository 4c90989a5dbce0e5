//! The environment and command-line layers that sit on top of the file.

use std::path::Path;

use super::error::ConfigError;
use super::resolve::EnvLookup;

/// Values that win over the file: environment first, then CLI flags on top.
///
/// `read_only` is the exception: it is sticky. Any layer may turn it on
/// (`Some(true)`), and no layer turns it off once another turned it on; a
/// `Some(false)` only says "this layer did not ask for it".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub theme: Option<String>,
    pub keymap: Option<String>,
    pub read_only: Option<bool>,
    pub ascii: Option<bool>,
}

impl Overrides {
    /// `OPSDECK_THEME`, `OPSDECK_KEYMAP`, `OPSDECK_READ_ONLY`, `OPSDECK_ASCII`,
    /// and `NO_COLOR` (any non-empty value selects the `mono` theme).
    pub fn from_env(env: EnvLookup<'_>) -> Result<Self, ConfigError> {
        let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
        Ok(Self {
            theme: env("OPSDECK_THEME").or_else(|| no_color.then(|| "mono".to_string())),
            keymap: env("OPSDECK_KEYMAP"),
            read_only: bool_var(env, "OPSDECK_READ_ONLY")?,
            ascii: bool_var(env, "OPSDECK_ASCII")?.or_else(|| (!utf8_locale(env)).then_some(true)),
        })
    }

    /// `other` wins where it says something; `read_only` stays on if either
    /// layer turned it on.
    pub fn then(self, other: Overrides) -> Self {
        let read_only = match (self.read_only, other.read_only) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (a, b) => b.or(a),
        };
        Self {
            theme: other.theme.or(self.theme),
            keymap: other.keymap.or(self.keymap),
            read_only,
            ascii: other.ascii.or(self.ascii),
        }
    }
}

/// The rule `OPSDECK_READ_ONLY` sets, when it turns read-only mode on:
/// `"OPSDECK_READ_ONLY=1"` (with the value as written). `None` when it is
/// unset, false or not a boolean (`from_env` reports the latter).
pub fn read_only_from_env(env: EnvLookup<'_>) -> Option<String> {
    match bool_var(env, "OPSDECK_READ_ONLY") {
        Ok(Some(true)) => env("OPSDECK_READ_ONLY").map(|v| format!("OPSDECK_READ_ONLY={v}")),
        _ => None,
    }
}

/// Whether the terminal's locale can show UTF-8 (box drawing, sparklines,
/// marks): the first set of `LC_ALL`, `LC_CTYPE`, `LANG` names UTF-8.
/// No locale at all is the C locale: ASCII.
pub fn utf8_locale(env: EnvLookup<'_>) -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| env(k).filter(|v| !v.is_empty()))
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
}

fn bool_var(env: EnvLookup<'_>, name: &str) -> Result<Option<bool>, ConfigError> {
    match env(name).as_deref() {
        None | Some("") => Ok(None),
        Some("1" | "true" | "yes" | "on") => Ok(Some(true)),
        Some("0" | "false" | "no" | "off") => Ok(Some(false)),
        Some(other) => Err(ConfigError::file(
            Path::new("<environment>"),
            format!("{name} is not a boolean"),
        )
        .found(format!("{other:?}"))
        .valid("1, true, yes, on, 0, false, no or off")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_selects_mono_unless_a_theme_is_named() {
        let env = |k: &str| (k == "NO_COLOR").then(|| "1".to_string());
        assert_eq!(
            Overrides::from_env(&env).ok().and_then(|o| o.theme),
            Some("mono".into())
        );
        let env = |k: &str| match k {
            "NO_COLOR" => Some("1".to_string()),
            "OPSDECK_THEME" => Some("light".to_string()),
            _ => None,
        };
        assert_eq!(
            Overrides::from_env(&env).ok().and_then(|o| o.theme),
            Some("light".into())
        );
    }

    #[test]
    fn a_locale_without_utf8_asks_for_ascii() {
        let ascii = |vars: &'static [(&'static str, &'static str)]| {
            let env = move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            };
            Overrides::from_env(&env).ok().and_then(|o| o.ascii)
        };
        assert_eq!(ascii(&[("LANG", "en_US.UTF-8")]), None);
        assert_eq!(ascii(&[("LC_ALL", "C.utf8"), ("LANG", "C")]), None);
        assert_eq!(ascii(&[("LANG", "C")]), Some(true));
        assert_eq!(ascii(&[]), Some(true));
        assert_eq!(
            ascii(&[("LC_ALL", "POSIX"), ("LANG", "en_US.UTF-8")]),
            Some(true)
        );
        assert_eq!(
            ascii(&[("LANG", "C"), ("OPSDECK_ASCII", "0")]),
            Some(false),
            "explicit wins"
        );
    }

    #[test]
    fn read_only_is_sticky_across_layers() {
        let ro = |v| Overrides {
            read_only: v,
            ..Default::default()
        };
        assert_eq!(ro(Some(true)).then(ro(Some(false))).read_only, Some(true));
        assert_eq!(ro(Some(true)).then(ro(None)).read_only, Some(true));
        assert_eq!(ro(Some(false)).then(ro(Some(true))).read_only, Some(true));
        assert_eq!(ro(Some(false)).then(ro(None)).read_only, Some(false));
        assert_eq!(ro(None).then(ro(None)).read_only, None);
    }

    #[test]
    fn env_rule_names_the_variable_and_value() {
        let env = |k: &str| (k == "OPSDECK_READ_ONLY").then(|| "yes".to_string());
        assert_eq!(
            read_only_from_env(&env),
            Some("OPSDECK_READ_ONLY=yes".into())
        );
        let env = |k: &str| (k == "OPSDECK_READ_ONLY").then(|| "0".to_string());
        assert_eq!(read_only_from_env(&env), None);
        let env = |k: &str| (k == "OPSDECK_READ_ONLY").then(|| "maybe".to_string());
        assert_eq!(read_only_from_env(&env), None);
    }

    #[test]
    fn cli_wins_over_env() {
        let env = Overrides {
            read_only: Some(false),
            ..Default::default()
        };
        let cli = Overrides {
            read_only: Some(true),
            ..Default::default()
        };
        assert_eq!(env.then(cli).read_only, Some(true));
    }

    #[test]
    fn bad_boolean_names_the_variable() {
        let env = |k: &str| (k == "OPSDECK_READ_ONLY").then(|| "maybe".to_string());
        let err = Overrides::from_env(&env)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("OPSDECK_READ_ONLY") && err.contains("maybe"),
            "{err}"
        );
    }
}
