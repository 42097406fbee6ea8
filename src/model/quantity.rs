//! Kubernetes resource quantities (`20Gi`, `500M`, `1.5Ti`, `1e9`), as far as storage
//! sizes need them: parsed exactly into bytes, rounded up as the API server rounds a
//! fractional byte.

/// `q` in bytes; an error says why `q` is not a quantity.
pub fn bytes(q: &str) -> Result<u128, String> {
    let bad = || format!("{q:?} is not a quantity (e.g. 20Gi, 500Mi, 1T)");
    let digits_end = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(q.len());
    let (number, suffix) = q.split_at(digits_end);
    if number.is_empty() || number == "." || number.matches('.').count() > 1 {
        return Err(bad());
    }
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    // number = mantissa / 10^scale
    let mantissa: u128 = format!("{whole}{fraction}").parse().map_err(|_| bad())?;
    let scale = fraction.len() as u32;
    let (multiplier, exp10): (u128, i32) = match suffix {
        "" => (1, 0),
        "Ki" => (1 << 10, 0),
        "Mi" => (1 << 20, 0),
        "Gi" => (1 << 30, 0),
        "Ti" => (1 << 40, 0),
        "Pi" => (1 << 50, 0),
        "Ei" => (1 << 60, 0),
        "m" => (1, -3),
        "k" => (1, 3),
        "M" => (1, 6),
        "G" => (1, 9),
        "T" => (1, 12),
        "P" => (1, 15),
        "E" => (1, 18),
        s if s.starts_with(['e', 'E']) => {
            let e: i32 = s[1..].parse().map_err(|_| bad())?;
            if !(-18..=18).contains(&e) {
                return Err(bad());
            }
            (1, e)
        }
        _ => return Err(bad()),
    };
    let value = mantissa.checked_mul(multiplier).ok_or_else(bad)?;
    let exp = exp10 - scale as i32;
    if exp >= 0 {
        value
            .checked_mul(10u128.checked_pow(exp as u32).ok_or_else(bad)?)
            .ok_or_else(bad)
    } else {
        let d = 10u128.checked_pow((-exp) as u32).ok_or_else(bad)?;
        Ok(value.div_ceil(d))
    }
}

#[cfg(test)]
mod tests {
    use super::bytes;

    #[test]
    fn storage_sizes_parse_exactly() {
        assert_eq!(bytes("1Gi"), Ok(1 << 30));
        assert_eq!(bytes("20Gi"), Ok(20 << 30));
        assert_eq!(bytes("1.5Gi"), Ok(3 << 29));
        assert_eq!(bytes("500M"), Ok(500_000_000));
        assert_eq!(bytes("2G"), Ok(2_000_000_000));
        assert_eq!(bytes("1e9"), Ok(1_000_000_000));
        assert_eq!(bytes("1073741824"), Ok(1 << 30));
        assert_eq!(bytes("1500m"), Ok(2), "a fractional byte rounds up");
        assert!(bytes("1024Gi").unwrap() > bytes("1Ti").unwrap() - 1);
    }

    #[test]
    fn what_is_not_a_quantity_is_refused() {
        for q in [
            "", "Gi", "1GB", "1.2.3Gi", "-1Gi", "twenty", "1 Gi", "1e99", ".",
        ] {
            assert!(bytes(q).is_err(), "{q:?}");
        }
    }
}
