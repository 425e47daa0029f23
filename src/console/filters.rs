//! A list's filters in its own links (the pager's, the CSV's): the query string of the filters
//! that are set, so that a link keeps what the manager chose.

/// `name=value&…` of the filters with a value, trimmed; empty when none is set.
pub fn query_string<'a>(filters: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in filters {
        if !value.trim().is_empty() {
            out.append_pair(name, value.trim());
        }
    }
    out.finish()
}
