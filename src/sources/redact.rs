//! Error text for the screen and the journal: short, and never carrying a
//! credential (URL user-info, bearer tokens, query-string keys).

/// An endpoint as shown to the operator: no user-info, no query string.
pub fn endpoint(url: &url::Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.set_query(None);
    u.to_string()
}

/// An error and its causes ("failed to send: connection refused"), cleaned
/// like [`error_text`]. URLs are stripped of credentials, not removed.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(c) = cur {
        let text = c.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = c.source();
    }
    error_text(&parts.join(": "))
}

/// Removes `user:password@` from any URL in `text` and drops query strings
/// (which may carry API keys), then keeps it short.
pub fn error_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut after_bearer = false;
    for word in text.split_inclusive(char::is_whitespace) {
        if after_bearer && !word.trim().is_empty() {
            out.push_str("<redacted> ");
            after_bearer = false;
            continue;
        }
        after_bearer = word.trim().eq_ignore_ascii_case("bearer");
        out.push_str(&clean_word(word));
    }
    let out = out.replace(['\n', '\r'], " ");
    let mut short: String = out.chars().take(200).collect();
    if out.chars().count() > 200 {
        short.push('…');
    }
    short
}

fn clean_word(word: &str) -> String {
    let Some(scheme_end) = word.find("://") else {
        return word.into();
    };
    let (head, rest) = word.split_at(scheme_end + 3);
    let host_end = rest
        .find(['/', '?', '#', ')', '"', ' '])
        .unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(host_end);
    let authority = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    let tail = match tail.find('?') {
        Some(q) => {
            let end = tail[q..]
                .find([')', '"', ' '])
                .map(|e| q + e)
                .unwrap_or(tail.len());
            format!("{}{}", &tail[..q], &tail[end..])
        }
        None => tail.to_string(),
    };
    format!("{head}{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_credentials_from_urls() {
        let e = error_text(
            "error sending request for url (https://bob:s3cret@prom.example/api/v1/query?query=up&token=abc): refused",
        );
        assert!(
            !e.contains("s3cret") && !e.contains("bob") && !e.contains("token=abc"),
            "{e}"
        );
        assert!(e.contains("https://prom.example/api/v1/query"), "{e}");
        assert_eq!(
            error_text("token Bearer abc.def rejected"),
            "token Bearer <redacted> rejected"
        );
    }
}
