//! Time parsing and formatting in the shapes the served APIs use.

/// RFC 3339 with milliseconds and `Z`, as Alertmanager writes times.
pub fn rfc3339_ms(t_ms: i64) -> String {
    match jiff::Timestamp::from_millisecond(t_ms) {
        Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        Err(_) => "0001-01-01T00:00:00.000Z".to_string(),
    }
}

/// RFC 3339 with as many fractional digits as needed, as Go's JSON writes
/// `time.Time` (Prometheus' `activeAt`, `lastEvaluation`).
pub fn rfc3339_nano(t_ms: i64) -> String {
    match jiff::Timestamp::from_millisecond(t_ms) {
        Ok(ts) => ts.to_string(),
        Err(_) => "0001-01-01T00:00:00Z".to_string(),
    }
}

/// Parse an RFC 3339 timestamp to milliseconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    s.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_millisecond())
}

/// Parse a Prometheus API time: float Unix seconds or RFC 3339.
pub fn parse_prom_time(s: &str) -> Option<i64> {
    if let Ok(secs) = s.parse::<f64>() {
        return secs.is_finite().then(|| (secs * 1000.0).round() as i64);
    }
    parse_rfc3339(s)
}

/// Parse a Prometheus API duration: float seconds or a PromQL duration.
pub fn parse_prom_duration(s: &str) -> Option<i64> {
    if let Ok(secs) = s.parse::<f64>() {
        return secs.is_finite().then(|| (secs * 1000.0).round() as i64);
    }
    promql_parser::util::parse_duration(s)
        .ok()
        .map(|d| d.as_millis() as i64)
}

/// Go's `strconv.FormatFloat(v, 'e', 10, 64)`, used for alert values.
pub fn go_exp10(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let s = format!("{v:.10e}");
    match s.split_once('e') {
        Some((mant, exp)) => {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            format!("{mant}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(parse_prom_time("1.5"), Some(1500));
        assert_eq!(parse_prom_time("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(parse_prom_duration("1m"), Some(60_000));
        assert_eq!(go_exp10(0.0823), "8.2300000000e-02");
        assert_eq!(go_exp10(1.0), "1.0000000000e+00");
    }
}
