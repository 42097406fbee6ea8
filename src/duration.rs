//! Durations as kubectl spells them: `30s`, `2m`, `1h30m`, `500ms`, `0`.

use jiff::SignedDuration;

/// The longest duration kubectl takes (Go's `time.Duration`, int64 nanoseconds:
/// 2562047h47m16.854s), in milliseconds.
const MAX_MS: i64 = i64::MAX / 1_000_000;

pub fn parse(text: &str) -> Result<SignedDuration, String> {
    let t = text.trim();
    if t == "0" {
        return Ok(SignedDuration::ZERO);
    }
    if t.starts_with('-') {
        return Err(format!("invalid duration {text:?}: must not be negative"));
    }
    let mut total_ms: i64 = 0;
    let mut rest = t;
    if rest.is_empty() {
        return Err("empty duration".into());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(format!(
                "invalid duration {text:?}: expected e.g. 30s, 2m, 1h30m"
            ));
        }
        let value: f64 = rest[..digits]
            .parse()
            .map_err(|_| format!("invalid duration {text:?}"))?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let ms = match unit {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => {
                return Err(format!(
                    "invalid duration {text:?}: unknown unit {unit:?} (use ms, s, m, h)"
                ));
            }
        };
        let part = value * ms;
        total_ms = (part.is_finite() && part < MAX_MS as f64)
            .then(|| total_ms.checked_add(part.round() as i64))
            .flatten()
            .filter(|t| *t <= MAX_MS)
            .ok_or_else(|| {
                format!("invalid duration {text:?}: longer than kubectl allows (2562047h)")
            })?;
    }
    Ok(SignedDuration::from_millis(total_ms))
}

/// For clap: a std Duration.
pub fn parse_std(text: &str) -> Result<std::time::Duration, String> {
    let d = parse(text)?;
    std::time::Duration::try_from(d)
        .map_err(|_| format!("invalid duration {text:?}: must not be negative"))
}

/// `30s`, `5m`, `1m30s`, `2h` — for messages.
/// [`human`] of a signed duration (a negative one reads as zero).
pub fn human_signed(d: jiff::SignedDuration) -> String {
    human(std::time::Duration::try_from(d).unwrap_or_default())
}

pub fn human(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, sec) if d.subsec_millis() > 0 && sec < 10 => format!("{:.1}s", d.as_secs_f64()),
        (0, 0, sec) => format!("{sec}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, sec) => format!("{m}m{sec}s"),
        (h, 0, _) => format!("{h}h"),
        (h, m, _) => format!("{h}h{m}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_durations() {
        assert_eq!(parse("30s").unwrap(), SignedDuration::from_secs(30));
        assert_eq!(parse("1h30m").unwrap(), SignedDuration::from_secs(5400));
        assert_eq!(parse("500ms").unwrap(), SignedDuration::from_millis(500));
        assert_eq!(parse("1.5s").unwrap(), SignedDuration::from_millis(1500));
        assert_eq!(parse("0").unwrap(), SignedDuration::ZERO);
        assert!(parse("5").is_err());
        assert!(parse("-5s").unwrap_err().contains("must not be negative"));
        // Beyond Go's time.Duration (kubectl: "invalid duration"), never wrapped.
        assert!(parse("2562047h").is_ok());
        for long in ["2562048h", "1000000000h", "99999999999999999999h"] {
            assert!(parse(long).unwrap_err().contains("longer than"), "{long}");
        }
        let infinite = format!("1{}s", "0".repeat(400));
        assert!(parse(&infinite).unwrap_err().contains("longer than"));
        assert!(parse("5d").is_err());
        assert!(parse("").is_err());
    }
}
