//! The need vocabulary: what a person needs help with, as tags a directory's
//! services serve, each mapped to a SNOMED CT referral code where one exists.

use std::sync::Arc;

use super::fast_hash::FastMap;

/// How routing treats a need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum NeedClass {
    /// Routed to eligible services in the directory.
    Ordinary,
    /// A safeguarding concern: goes to the named safeguarding lead first,
    /// always, whatever consent, capacity or opening hours.
    Safeguarding,
    /// A clinical red flag beyond a care coordinator's scope: goes back to the
    /// escalation route (the GP or an urgent route), always.
    RedFlag,
}

impl NeedClass {
    /// `ordinary`, `safeguarding` or `red_flag`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Ordinary => "ordinary",
            Self::Safeguarding => "safeguarding",
            Self::RedFlag => "red_flag",
        }
    }
}

/// One need of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    /// Its tag, e.g. `loneliness`.
    pub id: Arc<str>,
    /// A label for people, e.g. "Loneliness or social isolation".
    pub label: Arc<str>,
    /// How routing treats it.
    pub class: NeedClass,
    /// The SNOMED CT referral procedure recorded when a referral is made for
    /// this need, where one exists; a service's own code takes precedence.
    pub referral_code: Option<Arc<str>>,
}

/// SNOMED CT 871731000000106 |Referral to social prescribing service (procedure)|.
pub const SOCIAL_PRESCRIBING_REFERRAL: &str = "871731000000106";
/// SNOMED CT 306238000 |Referral to social services (procedure)|.
pub const SOCIAL_SERVICES_REFERRAL: &str = "306238000";
/// SNOMED CT 3457005 |Patient referral (procedure)|: recorded when neither the
/// service nor the need gives a more specific code.
pub const PATIENT_REFERRAL: &str = "3457005";

/// The built-in needs: `(id, label, class, referral code)`. A need carries a
/// code only where the referral it implies is unambiguous (loneliness and
/// befriending are social prescribing; personal care is social services);
/// otherwise the service's own `referral_code` says what was done, falling
/// back to 3457005 |Patient referral|. Check codes against the UK edition
/// your system uses.
const BUILT_IN: &[(&str, &str, NeedClass, Option<&str>)] = &[
    (
        "loneliness",
        "Loneliness or social isolation",
        NeedClass::Ordinary,
        Some(SOCIAL_PRESCRIBING_REFERRAL),
    ),
    ("debt", "Debt or money worries", NeedClass::Ordinary, None),
    ("housing", "Housing problems", NeedClass::Ordinary, None),
    (
        "benefits",
        "Welfare benefits advice",
        NeedClass::Ordinary,
        None,
    ),
    (
        "bereavement",
        "Bereavement support",
        NeedClass::Ordinary,
        None,
    ),
    (
        "physical_activity",
        "Getting more active",
        NeedClass::Ordinary,
        None,
    ),
    (
        "befriending",
        "Befriending",
        NeedClass::Ordinary,
        Some(SOCIAL_PRESCRIBING_REFERRAL),
    ),
    ("low_mood", "Low mood", NeedClass::Ordinary, None),
    ("anxiety", "Anxiety or stress", NeedClass::Ordinary, None),
    ("mobility", "Mobility problems", NeedClass::Ordinary, None),
    (
        "falls",
        "Falls or fear of falling",
        NeedClass::Ordinary,
        None,
    ),
    (
        "carer_strain",
        "Strain on an unpaid carer",
        NeedClass::Ordinary,
        None,
    ),
    (
        "medication_confusion",
        "Confusion about medicines",
        NeedClass::Ordinary,
        None,
    ),
    (
        "lifestyle",
        "Healthy lifestyle (weight, smoking, alcohol)",
        NeedClass::Ordinary,
        None,
    ),
    (
        "self_management",
        "Managing a long-term condition",
        NeedClass::Ordinary,
        None,
    ),
    (
        "personal_care",
        "Help with personal care at home",
        NeedClass::Ordinary,
        Some(SOCIAL_SERVICES_REFERRAL),
    ),
    (
        "personal_health_budget",
        "A personal health budget",
        NeedClass::Ordinary,
        None,
    ),
    (
        "safeguarding",
        "A safeguarding concern",
        NeedClass::Safeguarding,
        None,
    ),
    ("chest_pain", "Chest pain", NeedClass::RedFlag, None),
    (
        "suicidal_thoughts",
        "Thoughts of suicide or self-harm",
        NeedClass::RedFlag,
        None,
    ),
    (
        "acute_confusion",
        "New or sudden confusion",
        NeedClass::RedFlag,
        None,
    ),
    (
        "rapid_deterioration",
        "Rapid deterioration",
        NeedClass::RedFlag,
        None,
    ),
];

/// The largest vocabulary a directory may have (needs are kept as bit sets).
pub const MAX_NEEDS: usize = 128;

/// The needs a directory knows: the built-ins and those it declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedVocabulary {
    needs: Vec<Need>,
    by_id: FastMap<Arc<str>, usize>,
}

impl NeedVocabulary {
    /// The built-in needs only.
    pub fn built_in() -> Self {
        let mut v = Self {
            needs: Vec::new(),
            by_id: FastMap::default(),
        };
        for &(id, label, class, code) in BUILT_IN {
            // The built-in list has unique ids (a unit test says so).
            let _ = v.push(Need {
                id: id.into(),
                label: label.into(),
                class,
                referral_code: code.map(Arc::from),
            });
        }
        v
    }

    /// Adds `need`; returns it back if its id is taken or the vocabulary is full.
    pub(crate) fn push(&mut self, need: Need) -> Result<usize, Need> {
        if self.by_id.contains_key(&need.id) || self.needs.len() >= MAX_NEEDS {
            return Err(need);
        }
        let index = self.needs.len();
        self.by_id.insert(need.id.clone(), index);
        self.needs.push(need);
        Ok(index)
    }

    /// All needs, built-ins first.
    pub fn needs(&self) -> &[Need] {
        &self.needs
    }

    /// The position of the need `id`.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The need `id`.
    pub fn get(&self, id: &str) -> Option<&Need> {
        self.index_of(id).and_then(|i| self.needs.get(i))
    }

    /// The closest known need to `word`, for "did you mean".
    pub fn suggest(&self, word: &str) -> Option<String> {
        crate::diag::did_you_mean(word, self.needs.iter().map(|n| &*n.id)).map(str::to_owned)
    }

    /// The set of needs of `class`.
    pub(crate) fn mask_of(&self, class: NeedClass) -> NeedSet {
        let mut set = NeedSet::EMPTY;
        for (i, n) in self.needs.iter().enumerate() {
            if n.class == class {
                set.insert(i);
            }
        }
        set
    }
}

/// A set of needs, as bits over the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct NeedSet(pub u128);

impl NeedSet {
    pub const EMPTY: Self = Self(0);

    pub fn insert(&mut self, index: usize) {
        if index < MAX_NEEDS {
            self.0 |= 1u128 << index;
        }
    }

    pub fn and(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    pub fn minus(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }

    pub fn or(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// Member indices, ascending (vocabulary order).
    pub fn iter(self) -> impl Iterator<Item = usize> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            Some(i)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_ins_are_unique_and_fit() {
        let v = NeedVocabulary::built_in();
        assert_eq!(v.needs().len(), BUILT_IN.len());
        assert!(v.needs().len() < MAX_NEEDS);
        assert_eq!(v.mask_of(NeedClass::Safeguarding).len(), 1);
    }

    #[test]
    fn need_sets_iterate_in_order() {
        let mut s = NeedSet::EMPTY;
        for i in [127, 3, 64, 0] {
            s.insert(i);
        }
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 3, 64, 127]);
        assert_eq!(s.len(), 4);
        s.insert(128); // out of range: ignored, never a panic
        assert_eq!(s.len(), 4);
    }

    #[test]
    fn suggestions_come_from_the_vocabulary() {
        let v = NeedVocabulary::built_in();
        assert_eq!(v.suggest("lonliness").as_deref(), Some("loneliness"));
        assert_eq!(v.suggest("zzzzzzzz"), None);
    }
}
