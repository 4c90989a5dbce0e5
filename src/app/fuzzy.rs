//! A small fuzzy matcher for the palette: the query's characters must appear
//! in order (case-insensitive); consecutive runs and word starts score higher.

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Greedy match of `query` in `cand` starting at character `from`.
fn greedy(query: &[char], cand: &[char], from: usize) -> Option<i64> {
    let mut total = 0i64;
    let mut pos = from;
    let mut prev: Option<usize> = None;
    for q in query {
        let found = (pos..cand.len()).find(|i| lower(cand[*i]) == *q)?;
        let mut s = 1;
        if prev.is_some_and(|p| p + 1 == found) {
            s += 5;
        }
        if found == 0 || !cand[found - 1].is_alphanumeric() {
            s += 3;
        }
        total += s;
        prev = Some(found);
        pos = found + 1;
    }
    // Prefer earlier matches.
    Some(total * 100 - from as i64)
}

/// The score of `candidate` for `query`, or `None` when it does not match.
/// An empty query matches everything; shorter candidates rank higher.
pub fn score(query: &str, candidate: &str) -> Option<i64> {
    let query: Vec<char> = query
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(lower)
        .collect();
    let cand: Vec<char> = candidate.chars().collect();
    let best = match query.first() {
        None => 0,
        Some(first) => (0..cand.len())
            .filter(|i| lower(cand[*i]) == *first)
            .filter_map(|i| greedy(&query, &cand, i))
            .max()?,
    };
    Some(best - cand.len() as i64)
}

#[cfg(test)]
mod tests {
    use super::score;

    #[test]
    fn matches_in_order_and_ranks_word_starts() {
        assert!(score("alr", "Alerts").is_some());
        assert!(score("rla", "Alerts").is_none());
        assert_eq!(score("", "anything"), Some(-8));
        let a = score("eu", "region eu-west-1");
        let b = score("eu", "region us-east-1 (provider: aws, queue)");
        assert!(a > b, "{a:?} {b:?}");
        let costs = score("cost", "Costs");
        let checkout = score("cost", "service checkout");
        assert!(costs > checkout, "{costs:?} {checkout:?}");
        assert!(score("csts", "Costs").is_some());
    }
}
