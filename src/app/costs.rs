//! Cost figures of the costs view: 30 daily totals per provider, region or
//! service, month to date, forecast to month end, budget burn, anomalies.

use jiff::civil::Date;

use super::lists::contains;
use super::state::{AppState, CostGroup};

/// Days of history the view shows.
pub const DAYS: usize = 30;

#[derive(Debug, Clone, PartialEq)]
pub struct CostRow {
    pub name: String,
    /// `DAYS` daily amounts, oldest first, ending at the newest day with data.
    pub daily: Vec<f64>,
    pub total: f64,
    /// Which of `daily` are anomalies (see [`anomalies`]).
    pub anomalies: Vec<bool>,
}

impl CostRow {
    pub fn last(&self) -> f64 {
        self.daily.last().copied().unwrap_or(0.0)
    }
}

/// The newest day any cost line has.
pub fn last_day(app: &AppState) -> Option<Date> {
    app.fleet.costs.iter().map(|c| c.day).max()
}

fn index(start: Date, day: Date) -> Option<usize> {
    let days = day.since(start).ok()?.get_days();
    usize::try_from(days).ok().filter(|d| *d < DAYS)
}

fn start_of_window(end: Date) -> Option<Date> {
    end.checked_sub(jiff::Span::new().days(DAYS as i64 - 1))
        .ok()
}

/// One row per provider, region or service (unallocated cost under
/// "(shared)"), biggest first; the `/` filter applies to the names.
pub fn groups(app: &AppState, group: CostGroup) -> Vec<CostRow> {
    let Some(start) = last_day(app).and_then(start_of_window) else {
        return Vec::new();
    };
    let mut rows: Vec<CostRow> = Vec::new();
    for line in &app.fleet.costs {
        let Some(i) = index(start, line.day) else {
            continue;
        };
        let name = match group {
            CostGroup::Provider => line.provider.as_str(),
            CostGroup::Region => line.region.as_str(),
            CostGroup::Service => line.service.as_deref().unwrap_or("(shared)"),
        };
        let row = match rows.iter().position(|r| r.name == name) {
            Some(p) => &mut rows[p],
            None => {
                rows.push(CostRow {
                    name: name.to_string(),
                    daily: vec![0.0; DAYS],
                    total: 0.0,
                    anomalies: Vec::new(),
                });
                let last = rows.len() - 1;
                &mut rows[last]
            }
        };
        row.daily[i] += line.amount;
        row.total += line.amount;
    }
    rows.retain(|r| contains(&r.name, &app.filter.text));
    rows.sort_by(|a, b| b.total.total_cmp(&a.total).then(a.name.cmp(&b.name)));
    for r in &mut rows {
        r.anomalies = anomalies(&r.daily);
    }
    rows
}

/// The whole fleet's daily totals.
pub fn fleet_total(app: &AppState) -> CostRow {
    let mut total = CostRow {
        name: "fleet".into(),
        daily: vec![0.0; DAYS],
        total: 0.0,
        anomalies: Vec::new(),
    };
    if let Some(start) = last_day(app).and_then(start_of_window) {
        for line in &app.fleet.costs {
            if let Some(i) = index(start, line.day) {
                total.daily[i] += line.amount;
                total.total += line.amount;
            }
        }
    }
    total.anomalies = anomalies(&total.daily);
    total
}

/// Days above mean + 3σ of the other days with data (leave-one-out, so one
/// spike does not hide itself by inflating σ). Days without cost are skipped.
pub fn anomalies(daily: &[f64]) -> Vec<bool> {
    daily
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let others: Vec<f64> = daily
                .iter()
                .enumerate()
                .filter(|(j, x)| *j != i && **x > 0.0)
                .map(|(_, x)| *x)
                .collect();
            if v <= 0.0 || others.len() < 7 {
                return false;
            }
            let n = others.len() as f64;
            let mean = others.iter().sum::<f64>() / n;
            let var = others.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
            v > mean + 3.0 * var.sqrt() && v > mean * 1.0001
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub currency: String,
    pub last_day: Date,
    pub month_to_date: f64,
    /// Month to date plus the mean of the last 7 days for each day left.
    pub forecast: f64,
    pub budget: Option<f64>,
    /// Share of the month elapsed at `last_day`, for "on pace" comparisons.
    pub month_elapsed: f64,
}

impl Summary {
    pub fn burn(&self) -> Option<f64> {
        self.budget
            .filter(|b| *b > 0.0)
            .map(|b| self.month_to_date / b)
    }

    pub fn forecast_burn(&self) -> Option<f64> {
        self.budget.filter(|b| *b > 0.0).map(|b| self.forecast / b)
    }
}

pub fn summary(app: &AppState) -> Option<Summary> {
    let last = last_day(app)?;
    let month_to_date: f64 = app
        .fleet
        .costs
        .iter()
        .filter(|c| c.day.year() == last.year() && c.day.month() == last.month() && c.day <= last)
        .map(|c| c.amount)
        .sum();
    let total = fleet_total(app);
    let recent: Vec<f64> = total.daily.iter().rev().take(7).copied().collect();
    let mean = recent.iter().sum::<f64>() / recent.len().max(1) as f64;
    let days_in_month = f64::from(last.days_in_month());
    let left = days_in_month - f64::from(last.day());
    Some(Summary {
        currency: app.config.ui.budget.currency.clone(),
        last_day: last,
        month_to_date,
        forecast: month_to_date + mean * left,
        budget: app.config.ui.budget.monthly,
        month_elapsed: f64::from(last.day()) / days_in_month,
    })
}

#[cfg(test)]
mod tests {
    use super::anomalies;

    #[test]
    fn flags_a_spike_but_not_noise() {
        let mut days: Vec<f64> = (0..30).map(|i| 100.0 + f64::from(i % 5)).collect();
        assert!(anomalies(&days).iter().all(|a| !a));
        days[20] = 180.0;
        let flags = anomalies(&days);
        assert!(flags[20]);
        assert_eq!(flags.iter().filter(|f| **f).count(), 1);
    }
}
