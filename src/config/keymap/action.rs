//! The actions a key can be bound to, and the contexts bindings apply in.

macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn from_name(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }
    };
}

named_enum! {
    /// Something the operator asks the console to do.
    Action {
        Quit = "quit",
        Help = "help",
        Palette = "palette",
        Filter = "filter",
        Back = "back",
        Up = "up",
        Down = "down",
        Left = "left",
        Right = "right",
        PageUp = "page-up",
        PageDown = "page-down",
        Top = "top",
        Bottom = "bottom",
        Open = "open",
        NextView = "next-view",
        PrevView = "prev-view",
        ViewFleet = "view-fleet",
        ViewAlerts = "view-alerts",
        ViewCosts = "view-costs",
        ViewOperations = "view-operations",
        ViewLogs = "view-logs",
        Refresh = "refresh",
        CopyName = "copy-name",
        CopyKubectl = "copy-kubectl",
        Silence = "silence",
        ExpireSilence = "expire-silence",
        Scale = "scale",
        Failover = "failover",
        Failback = "failback",
        Rollback = "rollback",
        Deploy = "deploy",
        Restart = "restart",
        AbortOperation = "abort-operation",
        PauseOperation = "pause-operation",
        ContinueOperation = "continue-operation",
        ResumeOperation = "resume-operation",
        UndoOperation = "undo-operation",
        LogsPause = "logs-pause",
        LogsWrap = "logs-wrap",
        Confirm = "confirm",
        Cancel = "cancel",
    }
}

named_enum! {
    /// Where a binding applies. `global` applies everywhere unless a more
    /// specific context binds the same key.
    Context {
        Global = "global",
        Table = "table",
        Logs = "logs",
        Alerts = "alerts",
        Palette = "palette",
        Filter = "filter",
        Popup = "popup",
        Confirm = "confirm",
        Operations = "operations",
    }
}
