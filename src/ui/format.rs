//! Numbers, ages and money in few columns.

/// `42s`, `5m`, `3h`, `2d`.
pub fn age(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// Request rate: `850`, `1.2k`, `34k`, `1.5M`.
pub fn rate(v: f64) -> String {
    match v {
        v if v >= 1e6 => format!("{:.1}M", v / 1e6),
        v if v >= 1e4 => format!("{:.0}k", v / 1e3),
        v if v >= 1e3 => format!("{:.1}k", v / 1e3),
        v if v >= 10.0 => format!("{v:.0}"),
        v => format!("{v:.1}"),
    }
}

/// Error ratio as a percentage: `0.12%`, `4.5%`, `31%`.
pub fn pct(ratio: f64) -> String {
    let p = ratio * 100.0;
    match p {
        p if p >= 10.0 => format!("{p:.0}%"),
        p if p >= 1.0 => format!("{p:.1}%"),
        p => format!("{p:.2}%"),
    }
}

/// Latency: `87ms`, `1.2s`.
pub fn latency(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.1}s")
    } else {
        format!("{:.0}ms", seconds * 1000.0)
    }
}

/// Money without cents above 100: `$1,234`, `$56.70`.
pub fn money(v: f64, currency: &str) -> String {
    let sym = match currency {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        _ => "",
    };
    let body = if v.abs() >= 100.0 {
        group(v.round() as i64)
    } else {
        format!("{v:.2}")
    };
    if sym.is_empty() {
        format!("{body} {currency}")
    } else {
        format!("{sym}{body}")
    }
}

/// Money in ASCII only (`€` and `£` become the code).
pub fn money_ascii(v: f64, currency: &str, ascii: bool) -> String {
    if ascii && currency != "USD" {
        let body = if v.abs() >= 100.0 {
            group(v.round() as i64)
        } else {
            format!("{v:.2}")
        };
        format!("{body} {currency}")
    } else {
        money(v, currency)
    }
}

fn group(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// An optional value, or a dash.
pub fn opt<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map(f).unwrap_or_else(|| "-".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_compactly() {
        assert_eq!(age(42), "42s");
        assert_eq!(age(300), "5m");
        assert_eq!(age(7300), "2h");
        assert_eq!(rate(1234.0), "1.2k");
        assert_eq!(rate(5.25), "5.2");
        assert_eq!(pct(0.0012), "0.12%");
        assert_eq!(pct(0.31), "31%");
        assert_eq!(latency(0.087), "87ms");
        assert_eq!(money(1234567.4, "USD"), "$1,234,567");
        assert_eq!(money(56.7, "EUR"), "€56.70");
        assert_eq!(money_ascii(1500.0, "EUR", true), "1,500 EUR");
    }
}
