//! Area codes used for catchments: postcode districts (the outward code,
//! e.g. `LS6`, `SW1A`), Primary Care Network codes (ODS `U` + 5 digits) and
//! GP practice codes (ODS letter + 5 digits). Codes are normalised to upper
//! case with surrounding space removed.

/// Which kind of area code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AreaKind {
    District,
    Pcn,
    Practice,
}

impl AreaKind {
    pub fn what(self) -> &'static str {
        match self {
            Self::District => "postcode district",
            Self::Pcn => "PCN code",
            Self::Practice => "practice code",
        }
    }
}

/// The normalised code, or `None` if `text` is not a well-formed code of `kind`.
pub(crate) fn normalise(kind: AreaKind, text: &str) -> Option<String> {
    let code = text.trim().to_ascii_uppercase();
    let ok = match kind {
        AreaKind::District => is_district(&code),
        AreaKind::Pcn => {
            code.len() == 6
                && code.starts_with('U')
                && code.bytes().skip(1).all(|b| b.is_ascii_digit())
        }
        AreaKind::Practice => {
            code.len() == 6
                && code.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
                && code.bytes().skip(1).all(|b| b.is_ascii_digit())
        }
    };
    ok.then_some(code)
}

/// An outward code: one or two letters, a digit, then an optional digit or
/// letter (`M1`, `B33`, `LS6`, `SW1A`, `EC1A`).
fn is_district(code: &str) -> bool {
    let b = code.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if !(1..=2).contains(&letters) {
        return false;
    }
    let rest = b.get(letters..).unwrap_or_default();
    match rest {
        [d] => d.is_ascii_digit(),
        [d, e] => d.is_ascii_digit() && (e.is_ascii_digit() || e.is_ascii_uppercase()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn districts() {
        for ok in ["LS6", "m1", " sw1a ", "EC1A", "B33", "W1"] {
            assert!(normalise(AreaKind::District, ok).is_some(), "{ok}");
        }
        for bad in ["", "6LS", "LS", "ABC1", "LS6 4", "LS123", "L$6"] {
            assert!(normalise(AreaKind::District, bad).is_none(), "{bad}");
        }
        assert_eq!(
            normalise(AreaKind::District, " ls6").as_deref(),
            Some("LS6")
        );
    }

    #[test]
    fn ods_codes() {
        assert_eq!(
            normalise(AreaKind::Pcn, "u12345").as_deref(),
            Some("U12345")
        );
        assert!(normalise(AreaKind::Pcn, "B12345").is_none());
        assert!(normalise(AreaKind::Pcn, "U1234").is_none());
        assert_eq!(
            normalise(AreaKind::Practice, "B86001").as_deref(),
            Some("B86001")
        );
        assert!(normalise(AreaKind::Practice, "86001B").is_none());
    }
}
