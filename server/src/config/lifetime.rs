//! Token lifetimes as the seeds write them: a bare number in the variable's own unit
//! (`JWT_ACCESS_TOKEN_LIFETIME=5` is minutes, seed 000) or a number with a unit (`30s`, `15m`, `12h`, `7d`).

use std::time::Duration;

/// What a bare number means for a given variable.
#[derive(Debug, Clone, Copy)]
pub enum BareUnit {
    Seconds,
    Minutes,
    Days,
}

/// Parses `value`, reading a bare number in `bare_unit`. Zero and empty values are refused:
/// a token that is born expired is always a configuration mistake.
pub fn parse(value: &str, bare_unit: BareUnit) -> Result<Duration, String> {
    let value = value.trim();
    let (digits, seconds_per_unit) = match value.char_indices().last() {
        Some((at, 's')) => (&value[..at], 1),
        Some((at, 'm')) => (&value[..at], 60),
        Some((at, 'h')) => (&value[..at], 3_600),
        Some((at, 'd')) => (&value[..at], 86_400),
        Some(_) => match bare_unit {
            BareUnit::Seconds => (value, 1),
            BareUnit::Minutes => (value, 60),
            BareUnit::Days => (value, 86_400),
        },
        None => return Err("a lifetime is required, e.g. 15m or 7d".into()),
    };
    let count: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("`{value}` is not a lifetime: use a number with s, m, h or d"))?;
    if count == 0 {
        return Err("a lifetime must be longer than zero".into());
    }
    count
        .checked_mul(seconds_per_unit)
        .filter(|&seconds| seconds <= 10 * 365 * 86_400)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("`{value}` is longer than ten years"))
}

/// clap value parser for a variable whose bare numbers are minutes.
pub fn parse_minutes(value: &str) -> Result<Duration, String> {
    parse(value, BareUnit::Minutes)
}

/// clap value parser for a variable whose bare numbers are seconds.
pub fn parse_seconds(value: &str) -> Result<Duration, String> {
    parse(value, BareUnit::Seconds)
}

/// clap value parser for a grace period: bare numbers are seconds, and `0` (no grace) is allowed.
pub fn parse_grace(value: &str) -> Result<Duration, String> {
    if value.trim().trim_end_matches('s') == "0" {
        Ok(Duration::ZERO)
    } else {
        parse(value, BareUnit::Seconds)
    }
}

/// clap value parser for a variable whose bare numbers are days.
pub fn parse_days(value: &str) -> Result<Duration, String> {
    parse(value, BareUnit::Days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_numbers_take_the_variables_unit() {
        assert_eq!(parse_minutes("5"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_days("7"), Ok(Duration::from_secs(7 * 86_400)));
    }

    #[test]
    fn explicit_units_are_read_as_written() {
        assert_eq!(parse_minutes("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_days("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_minutes("12h"), Ok(Duration::from_secs(43_200)));
        assert_eq!(parse_minutes("1d"), Ok(Duration::from_secs(86_400)));
    }

    #[test]
    fn a_grace_may_be_zero_and_counts_seconds() {
        assert_eq!(parse_grace("0"), Ok(Duration::ZERO));
        assert_eq!(parse_grace("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_grace("1m"), Ok(Duration::from_secs(60)));
        assert!(parse_grace("-1").is_err());
    }

    #[test]
    fn nonsense_zero_and_huge_values_are_refused() {
        for bad in ["", "abc", "0", "0s", "-5", "5w", "s", "99999999999d"] {
            assert!(parse_minutes(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
