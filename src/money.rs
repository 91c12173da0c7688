//! Money as the catalog, quotes and orders hold it: whole minor units (fen) in an `i64`, read
//! from and written as exact decimal strings with two places, never through a float.

use serde_json::Value;

/// Largest list price in minor units (one billion in major units).
pub const PRICE_MAX_MINOR: i64 = 100_000_000_000;

/// `"268"`, `"268.5"`, `268.50` to minor units; at most two decimals.
pub fn parse_price(value: &Value) -> Result<Option<i64>, &'static str> {
    let text = match value {
        Value::Null => return Ok(None),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => s.trim().replace([',', '¥', '￥'], ""),
        _ => return Err("a price such as 268.00"),
    };
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a non-negative price such as 268.00");
    }
    if frac.len() > 2 {
        return Err("at most two decimals");
    }
    let whole: i64 = whole.parse().map_err(|_| "price too large")?;
    let frac: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    let minor = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .ok_or("price too large")?;
    if minor > PRICE_MAX_MINOR {
        return Err("price too large");
    }
    Ok(Some(minor))
}

pub fn format_price(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// List price less a discount in basis points, rounded half up to the minor unit.
pub fn discounted(list_minor: i64, level_bp: i32) -> i64 {
    let keep = 10_000 - i64::from(level_bp.clamp(0, 10_000));
    (list_minor * keep + 5_000) / 10_000
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn prices_are_exact() {
        assert_eq!(parse_price(&json!("268")), Ok(Some(26_800)));
        assert_eq!(parse_price(&json!("268.5")), Ok(Some(26_850)));
        assert_eq!(parse_price(&json!(268.55)), Ok(Some(26_855)));
        assert_eq!(parse_price(&json!(0.1)), Ok(Some(10)));
        assert_eq!(parse_price(&json!("1,299.00")), Ok(Some(129_900)));
        assert_eq!(parse_price(&json!("")), Ok(None));
        assert!(parse_price(&json!("12.345")).is_err());
        assert!(parse_price(&json!("-1")).is_err());
        assert!(parse_price(&json!("abc")).is_err());
        assert!(parse_price(&json!("99999999999999999999")).is_err());
        assert_eq!(format_price(26_855), "268.55");
        assert_eq!(format_price(5), "0.05");
    }

    #[test]
    fn price_levels_round_half_up_to_the_fen() {
        assert_eq!(discounted(26_800, 1_250), 23_450);
        assert_eq!(discounted(999, 1_000), 899);
        assert_eq!(discounted(5, 5_000), 3);
        assert_eq!(discounted(26_800, 0), 26_800);
        assert_eq!(discounted(26_800, 10_000), 0);
    }
}
