//! Amounts: an integer number of base units; people read and type a decimal
//! form with [`DECIMALS`] digits after the point (1 coin = 10^8 base units).

use crate::error::WalletError;

/// Digits after the decimal point in the decimal form.
pub const DECIMALS: u32 = 8;
/// Base units per whole coin.
pub const UNIT: u64 = 10u64.pow(DECIMALS);

/// Parses `12`, `12.5` or `0.00000001` into base units. Refuses signs,
/// exponents, empty parts, more than [`DECIMALS`] decimals and overflow.
pub fn parse_amount(text: &str) -> Result<u64, WalletError> {
    let err = |reason| WalletError::AmountSyntax {
        text: text.chars().take(40).collect(),
        reason,
    };
    let (whole, frac) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err("expected digits, optionally with a decimal point"));
    }
    if text.contains('.') && frac.is_empty() {
        return Err(err("no digits after the decimal point"));
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err("expected digits after the decimal point"));
    }
    if frac.len() > DECIMALS as usize {
        return Err(err("more than 8 decimals (the base unit is 0.00000001)"));
    }
    let whole: u64 = whole
        .parse()
        .map_err(|_| err("larger than the largest amount"))?;
    let mut frac_units: u64 = 0;
    for (k, b) in frac.bytes().enumerate() {
        frac_units += u64::from(b - b'0') * 10u64.pow(DECIMALS - 1 - k as u32);
    }
    whole
        .checked_mul(UNIT)
        .and_then(|w| w.checked_add(frac_units))
        .ok_or_else(|| err("larger than the largest amount"))
}

/// The decimal form: `12.5`, `0.00000001`, `3` (trailing zeros dropped).
pub fn format_amount(units: u64) -> String {
    let whole = units / UNIT;
    let frac = units % UNIT;
    if frac == 0 {
        return whole.to_string();
    }
    let digits = format!("{frac:0width$}", width = DECIMALS as usize);
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        for (text, units) in [
            ("0", 0),
            ("1", UNIT),
            ("12.5", 12 * UNIT + UNIT / 2),
            ("0.00000001", 1),
            ("184467440737.09551615", u64::MAX),
        ] {
            assert_eq!(parse_amount(text).unwrap(), units, "{text}");
        }
        for (units, text) in [
            (0, "0"),
            (1, "0.00000001"),
            (150_000_000, "1.5"),
            (u64::MAX, "184467440737.09551615"),
        ] {
            assert_eq!(format_amount(units), text);
            assert_eq!(parse_amount(text).unwrap(), units);
        }
    }

    #[test]
    fn refuses_bad_amounts() {
        for text in [
            "",
            ".5",
            "1.",
            "-1",
            "+1",
            "1e5",
            "1.000000001",
            "184467440737.09551616",
            "1,5",
            "1.5.0",
            " 1",
        ] {
            assert!(
                matches!(parse_amount(text), Err(WalletError::AmountSyntax { .. })),
                "{text}"
            );
        }
    }
}
