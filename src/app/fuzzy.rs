//! A small fuzzy matcher for the palette: the query's characters must appear
//! in order (case-insensitive); consecutive runs and word starts score higher.

/// The score of `candidate` for `query`, or `None` when it does not match.
/// An empty query matches everything with score 0.
pub fn score(query: &str, candidate: &str) -> Option<i64> {
    let mut total = 0i64;
    let mut cand = candidate.char_indices().peekable();
    let mut prev_match: Option<usize> = None;
    let mut prev_char: Option<char> = None;
    let mut last_pos = 0usize;
    for q in query.chars().filter(|c| !c.is_whitespace()) {
        let q = q.to_lowercase().next().unwrap_or(q);
        let mut found = false;
        for (pos, c) in cand.by_ref() {
            let before = prev_char;
            prev_char = Some(c);
            let index = pos;
            if c.to_lowercase().next().unwrap_or(c) != q {
                continue;
            }
            let mut s = 1;
            if prev_match.is_some_and(|p| p + 1 == index_of(candidate, index)) {
                s += 5;
            }
            if before.is_none_or(|b| !b.is_alphanumeric()) {
                s += 3;
            }
            total += s;
            prev_match = Some(index_of(candidate, index));
            last_pos = index;
            found = true;
            break;
        }
        if !found {
            return None;
        }
    }
    // Prefer shorter candidates and earlier matches.
    Some(total * 100 - candidate.chars().count() as i64 - last_pos as i64 / 4)
}

/// Character index of a byte offset.
fn index_of(s: &str, byte: usize) -> usize {
    s.get(..byte).map(|p| p.chars().count()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::score;

    #[test]
    fn matches_in_order_and_ranks_word_starts() {
        assert!(score("alr", "Alerts").is_some());
        assert!(score("rla", "Alerts").is_none());
        assert_eq!(score("", "anything"), Some(-8 - 0));
        let a = score("eu", "region eu-west-1");
        let b = score("eu", "region us-east-1 (provider: aws, queue)");
        assert!(a > b, "{a:?} {b:?}");
        let costs = score("cost", "Costs");
        let checkout = score("cost", "service checkout");
        assert!(costs > checkout, "{costs:?} {checkout:?}");
    }
}
