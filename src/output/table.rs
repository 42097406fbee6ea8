//! Aligned text columns (kubectl's tabular look): header and rows in, one string per
//! line out, so callers can colour whole lines.

/// Left-aligned columns separated by two spaces; the last column is not padded. Cells are
/// made safe for a terminal ([`super::sanitize`]): they hold values from the cluster.
pub fn lines(header: &[&str], rows: &[Vec<String>]) -> Vec<String> {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| super::sanitize(c).into_owned()).collect())
        .collect();
    let rows = &rows;
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            l.push_str(c);
            if i + 1 < cells.len() {
                l.push_str(&" ".repeat(widths[i].saturating_sub(c.chars().count()) + 2));
            }
        }
        l.trim_end().to_string()
    };
    std::iter::once(line(header.to_vec()))
        .chain(
            rows.iter()
                .map(|r| line(r.iter().map(String::as_str).collect())),
        )
        .collect()
}

/// The width of a rendered table line (for rules drawn across it).
pub fn width(lines: &[String]) -> usize {
    lines.iter().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_the_last_is_not_padded() {
        let out = lines(
            &["A", "BB"],
            &[
                vec!["xyz".into(), "1".into()],
                vec!["q".into(), "22".into()],
            ],
        );
        assert_eq!(out, ["A    BB", "xyz  1", "q    22"]);
    }

    #[test]
    fn escape_sequences_in_cells_are_shown_not_sent() {
        let out = lines(&["CAUSE"], &[vec!["\x1b]0;pwned\x07 \u{9b}2J".into()]]);
        assert_eq!(out[1], "\\x1b]0;pwned\\x07 \\u{9b}2J");
        assert!(!out[1].chars().any(char::is_control));
    }
}
