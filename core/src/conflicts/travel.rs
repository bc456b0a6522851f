//! Travel time between two places: straight-line (haversine) distance at a
//! speed per mode, times a detour factor, plus a fixed buffer; or a supplied
//! matrix of minutes between locations, which wins where it has an entry.

use std::collections::HashMap;

use super::model::TravelMode;

/// Speed and buffer for one mode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModeSpeed {
    /// Average door-to-door speed in km/h over the straight-line distance
    /// (after the detour factor).
    pub speed_kmh: f64,
    /// Minutes added to every journey (waiting, parking, getting in and out).
    pub buffer_min: f64,
}

/// How long a journey takes.
///
/// Defaults are deliberately cautious, for frail and older people: walking
/// 3 km/h + 10 min, public transport 12 km/h + 20 min, car 30 km/h + 10 min,
/// patient transport 20 km/h + 30 min (vehicles collect several people), all
/// over 1.3 × the straight-line distance (roads are not straight). The default
/// mode for an appointment that names none is public transport, not car:
/// assuming a car would underestimate the journey for someone without one.
#[derive(Debug, Clone, PartialEq)]
pub struct TravelModel {
    /// Per-mode speed and buffer, indexed by [`TravelMode`] order.
    pub modes: [ModeSpeed; 4],
    /// Multiplier from straight-line to road distance.
    pub detour_factor: f64,
    /// The mode assumed when an appointment names none.
    pub default_mode: TravelMode,
    /// Minutes from one location id to another, overriding the formula
    /// (`matrix[from][to]`).
    pub matrix: HashMap<String, HashMap<String, f64>>,
}

impl Default for TravelModel {
    fn default() -> Self {
        let m = |speed_kmh, buffer_min| ModeSpeed {
            speed_kmh,
            buffer_min,
        };
        Self {
            modes: [m(3.0, 10.0), m(12.0, 20.0), m(30.0, 10.0), m(20.0, 30.0)],
            detour_factor: 1.3,
            default_mode: TravelMode::PublicTransport,
            matrix: HashMap::new(),
        }
    }
}

impl TravelModel {
    /// One speed and buffer for every mode, no detour factor: the simple
    /// model "distance / speed + buffer".
    pub fn uniform(speed_kmh: f64, buffer_min: f64) -> Self {
        let m = ModeSpeed {
            speed_kmh,
            buffer_min,
        };
        Self {
            modes: [m; 4],
            detour_factor: 1.0,
            ..Self::default()
        }
    }

    /// The model callers ask for with two optional numbers: neither gives the
    /// cautious default; a speed gives [`uniform`](Self::uniform) (with the
    /// buffer, or none); a buffer alone replaces the default modes' buffers.
    /// A speed that is not a positive number, or a negative or non-finite
    /// buffer, is refused.
    pub fn from_options(
        speed_kmh: Option<f64>,
        buffer_min: Option<f64>,
    ) -> Result<Self, super::AppointmentError> {
        let bad = |message: &str| {
            super::AppointmentError::new(
                super::AppointmentErrorKind::InvalidSetup {
                    message: message.to_owned(),
                },
                None,
            )
        };
        if buffer_min.is_some_and(|b| !(b.is_finite() && b >= 0.0)) {
            return Err(bad("buffer_min must be a number of minutes, 0 or more"));
        }
        match (speed_kmh, buffer_min) {
            (None, None) => Ok(Self::default()),
            (Some(s), b) if s.is_finite() && s > 0.0 => Ok(Self::uniform(s, b.unwrap_or(0.0))),
            (Some(_), _) => Err(bad("speed_kmh must be a positive number")),
            (None, Some(b)) => {
                let mut m = Self::default();
                for mode in &mut m.modes {
                    mode.buffer_min = b;
                }
                Ok(m)
            }
        }
    }

    /// Uses `minutes` for the journey `from` → `to` (one way).
    pub fn with_journey(mut self, from: &str, to: &str, minutes: f64) -> Self {
        self.matrix
            .entry(from.to_owned())
            .or_default()
            .insert(to.to_owned(), minutes);
        self
    }

    fn mode(&self, mode: Option<TravelMode>) -> ModeSpeed {
        let mode = mode.unwrap_or(self.default_mode);
        let i = TravelMode::ALL.iter().position(|m| *m == mode).unwrap_or(1);
        self.modes.get(i).copied().unwrap_or(ModeSpeed {
            speed_kmh: 12.0,
            buffer_min: 20.0,
        })
    }

    /// Seconds needed to travel between two places, as a whole number
    /// (rounded up, so the check is never more lenient than the model).
    pub fn seconds(
        &self,
        (from_id, from): (&str, (f64, f64)),
        (to_id, to): (&str, (f64, f64)),
        mode: Option<TravelMode>,
    ) -> i64 {
        if let Some(minutes) = self.matrix.get(from_id).and_then(|m| m.get(to_id)) {
            return (minutes * 60.0).ceil() as i64;
        }
        let m = self.mode(mode);
        let km = haversine_km(from, to) * self.detour_factor;
        let minutes = km / m.speed_kmh * 60.0 + m.buffer_min;
        (minutes * 60.0).ceil() as i64
    }
}

impl TravelModel {
    /// Whether a gap of `gap_seconds` is certainly enough for the journey,
    /// from a cheap upper bound on the distance (|Δlat| + |Δlon| degrees at
    /// 111.2 km, which is at least the great-circle distance), so that the
    /// exact formula is needed only for close calls. Never true where a
    /// matrix may apply.
    pub(crate) fn certainly_enough(
        &self,
        gap_seconds: i64,
        (lat1, lon1): (f64, f64),
        (lat2, lon2): (f64, f64),
        mode: Option<TravelMode>,
    ) -> bool {
        if !self.matrix.is_empty() {
            return false;
        }
        let m = self.mode(mode);
        let km = ((lat2 - lat1).abs() + (lon2 - lon1).abs()) * 111.2 * self.detour_factor;
        let upper = (km / m.speed_kmh * 60.0 + m.buffer_min) * 60.0;
        (gap_seconds as f64) >= upper.ceil() + 1.0
    }
}

/// Great-circle distance in km between two (lat, lon) points in degrees.
pub fn haversine_km((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0088;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().clamp(0.0, 1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leeds_to_york_is_about_35_km() {
        let leeds = (53.7997, -1.5492);
        let york = (53.9590, -1.0815);
        let d = haversine_km(leeds, york);
        assert!((d - 34.9).abs() < 1.0, "{d}");
        assert_eq!(haversine_km(leeds, leeds), 0.0);
    }

    #[test]
    fn no_car_is_slower_than_car() {
        let t = TravelModel::default();
        let (a, b) = (("a", (53.80, -1.55)), ("b", (53.83, -1.60)));
        let car = t.seconds(a, b, Some(TravelMode::Car));
        let default = t.seconds(a, b, None);
        let walk = t.seconds(a, b, Some(TravelMode::Walk));
        assert!(car < default && default < walk, "{car} {default} {walk}");
        assert_eq!(
            TravelModel::from_options(None, None).unwrap(),
            TravelModel::default()
        );
        assert_eq!(
            TravelModel::from_options(Some(30.0), Some(10.0)).unwrap(),
            TravelModel::uniform(30.0, 10.0)
        );
        assert!(TravelModel::from_options(Some(0.0), None).is_err());
        assert!(TravelModel::from_options(None, Some(-1.0)).is_err());
        let m = TravelModel::uniform(30.0, 10.0).with_journey("a", "b", 45.0);
        assert_eq!(m.seconds(a, b, None), 45 * 60);
        assert_eq!(
            m.seconds(b, a, None),
            m.seconds(b, a, Some(TravelMode::Walk))
        );
    }
}
