//! VINs: 17 characters, never I, O or Q. Positions 1-3 (WMI) name the maker, positions 4-8
//! describe the vehicle in each maker's own scheme (read where it is published), position 10
//! the model year (the code repeats every 30 years), position 9 is a check digit in North
//! America and often unused elsewhere, so a failed check is a warning, never an error.

pub mod aliases;
pub mod routes;

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DecodedVin {
    pub vin: String,
    /// World manufacturer identifier (positions 1-3).
    pub wmi: String,
    /// The maker, when the WMI is one partsdesk knows (or the descriptor names it: FAW-
    /// Volkswagen's LFV builds Audis too).
    pub make: Option<String>,
    /// The model family, when positions 4-8 name it in a scheme partsdesk knows (the
    /// Volkswagen group's type code, Honda's frame code).
    pub model: Option<String>,
    /// The model year from position 10: the latest year of its 30-year cycle that is not
    /// after next year.
    pub model_year: Option<i32>,
    /// Whether position 9 is a valid North American check digit.
    pub check_digit_valid: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VinError {
    #[error("a VIN has 17 characters (got {0})")]
    Length(usize),
    #[error("a VIN has only letters and digits, never I, O or Q (found `{0}`)")]
    Character(char),
}

fn transliterate(c: char) -> u32 {
    match c {
        '0'..='9' => c as u32 - '0' as u32,
        'A' | 'J' => 1,
        'B' | 'K' | 'S' => 2,
        'C' | 'L' | 'T' => 3,
        'D' | 'M' | 'U' => 4,
        'E' | 'N' | 'V' => 5,
        'F' | 'W' => 6,
        'G' | 'P' | 'X' => 7,
        'H' | 'Y' => 8,
        'R' | 'Z' => 9,
        _ => 0,
    }
}

fn check_digit_valid(vin: &[char]) -> bool {
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let sum: u32 = vin.iter().zip(WEIGHTS).map(|(c, w)| transliterate(*c) * w).sum();
    let expected = match sum % 11 {
        10 => 'X',
        n => char::from_digit(n, 10).unwrap_or('?'),
    };
    vin[8] == expected
}

/// Year codes in order from 1980 (A) to 2009 (9); the cycle then repeats from 2010 (A).
const YEAR_CODES: &str = "ABCDEFGHJKLMNPRSTVWXY123456789";

fn model_year(code: char, current_year: i32) -> Option<i32> {
    let offset = i32::try_from(YEAR_CODES.find(code)?).ok()?;
    let mut year = 1980 + offset;
    while year + 30 <= current_year + 1 {
        year += 30;
    }
    Some(year)
}

pub fn decode(vin: &str, current_year: i32) -> Result<DecodedVin, VinError> {
    let vin = vin.trim().to_ascii_uppercase();
    let chars: Vec<char> = vin.chars().collect();
    if chars.len() != 17 {
        return Err(VinError::Length(chars.len()));
    }
    if let Some(bad) = chars
        .iter()
        .find(|c| !c.is_ascii_alphanumeric() || matches!(c, 'I' | 'O' | 'Q'))
    {
        return Err(VinError::Character(*bad));
    }
    let wmi: String = chars[..3].iter().collect();
    let vocabulary = search_index::vehicles::vocabulary();
    let described = vocabulary.descriptor(&vin);
    Ok(DecodedVin {
        make: described
            .map(|(make, _)| make)
            .or_else(|| vocabulary.wmi(&wmi))
            .map(str::to_owned),
        model: described.map(|(_, family)| family.to_owned()),
        model_year: model_year(chars[9], current_year),
        check_digit_valid: check_digit_valid(&chars),
        wmi,
        vin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_maker_year_and_check_digit() {
        // A North American VIN with a valid check digit.
        let d = decode("1M8GDM9AXKP042788", 2026).expect("valid");
        assert!(d.check_digit_valid);
        assert_eq!(d.model_year, Some(2019));
        // A Chinese Sagitar VIN: maker known, check digit not used.
        let d = decode("lfv2a21k6k4012345", 2026).expect("valid");
        assert_eq!(d.make.as_deref(), Some("VOLKSWAGEN"));
        assert_eq!(d.model.as_deref(), Some("SAGITAR"));
        assert_eq!(d.model_year, Some(2019));
        assert_eq!(d.vin, "LFV2A21K6K4012345");
    }

    #[test]
    fn years_never_lie_in_the_future() {
        assert_eq!(model_year('A', 2026), Some(2010));
        assert_eq!(model_year('T', 2026), Some(2026));
        // Next year's models are on sale already.
        assert_eq!(model_year('V', 2026), Some(2027));
        assert_eq!(model_year('W', 2026), Some(1998));
    }

    #[test]
    fn rejects_bad_vins() {
        assert_eq!(decode("LFV2A21K6K401234", 2026), Err(VinError::Length(16)));
        assert_eq!(decode("LFV2A21K6K40I2345", 2026), Err(VinError::Character('I')));
        assert_eq!(decode("LFV2A21K6K40O2345", 2026), Err(VinError::Character('O')));
    }
}
