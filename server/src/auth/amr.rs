//! How a sign-in was proven, as the `amr` claim says it (RFC 8176 "Authentication Method
//! Reference Values"): a password alone, a password and a one-time code, or a passkey. Stored
//! with the session, so every token of the session, refreshed or not, says how it began; other
//! services can require a second factor by reading it.

/// The methods a session's sign-in used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amr {
    /// `["pwd"]`: the password (RFC 8176 §2 "pwd").
    Password,
    /// `["pwd", "otp", "mfa"]`: the password, then a one-time code (a TOTP code or a recovery
    /// code: RFC 8176 §2 "otp"), so more than one factor ("mfa").
    PasswordAndOtp,
    /// `["hwk", "user", "mfa"]`: a passkey, a key held in hardware (or a platform
    /// authenticator: RFC 8176 §2 "hwk"), unlocked by the user's verification (a PIN or
    /// biometrics: "user"), so two factors in one gesture ("mfa").
    Passkey,
}

impl Amr {
    /// The claim's values.
    pub fn methods(self) -> &'static [&'static str] {
        match self {
            Self::Password => &["pwd"],
            Self::PasswordAndOtp => &["pwd", "otp", "mfa"],
            Self::Passkey => &["hwk", "user", "mfa"],
        }
    }

    /// The stored form: the values separated by spaces.
    pub fn as_stored(self) -> &'static str {
        match self {
            Self::Password => "pwd",
            Self::PasswordAndOtp => "pwd otp mfa",
            Self::Passkey => "hwk user mfa",
        }
    }

    /// Reads the stored form. Anything unknown reads as `Password`: a token never claims more
    /// than is known to have happened.
    pub fn from_stored(stored: &str) -> Self {
        [Self::PasswordAndOtp, Self::Passkey]
            .into_iter()
            .find(|amr| amr.as_stored() == stored)
            .unwrap_or(Self::Password)
    }

    /// The claim's values as owned strings.
    pub fn claim(self) -> Vec<String> {
        self.methods()
            .iter()
            .map(|&method| method.to_owned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_form_reads_back_and_unknown_reads_as_password() {
        for amr in [Amr::Password, Amr::PasswordAndOtp, Amr::Passkey] {
            assert_eq!(Amr::from_stored(amr.as_stored()), amr);
            assert_eq!(amr.as_stored(), amr.methods().join(" "));
        }
        assert_eq!(Amr::from_stored("hwk user mfa x"), Amr::Password);
        assert_eq!(Amr::PasswordAndOtp.claim(), ["pwd", "otp", "mfa"]);
        assert_eq!(Amr::Passkey.claim(), ["hwk", "user", "mfa"]);
    }
}
