//! Why a request could not be authenticated: one variant per `code` a client may see.

use super::tokens::TokenError;

/// Why a request could not be authenticated; each variant is one `code` in the 401 body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// No `Authorization: Bearer` header at all.
    NotAuthenticated,
    /// Wrong email or password (the same answer for both, OWASP authentication cheat sheet).
    BadCredentials,
    /// Malformed, badly signed, wrong type or unknown key.
    TokenNotValid,
    /// A well-formed token past its `exp`.
    TokenExpired,
    /// A refresh token that is not its session's live one (or whose session is gone).
    TokenBlacklisted,
    /// A refresh token used again after its grace: the session has been revoked.
    TokenReused,
    /// The token's session was ended (logout, revocation, password change, reuse).
    SessionRevoked,
    /// The token's session passed its absolute end or idle timeout.
    SessionExpired,
    /// The token's user no longer exists.
    UserNotFound,
    /// The second step of a sign-in got a wrong code (TOTP or recovery): the `mfa_token` lives
    /// on until its fifth wrong code.
    MfaInvalid,
    /// The `mfa_token` is unknown, expired, used, or spent its five wrong codes: sign in again.
    MfaTokenInvalid,
    /// A passkey sign-in was refused: an unknown, expired or used challenge, a credential no
    /// account has, or an assertion that does not verify (wrong origin, no user verification,
    /// a signature counter not above the last one).
    PasskeyInvalid,
}

impl AuthFailure {
    /// Every failure, so the OpenAPI document can list every `code`.
    pub const ALL: [Self; 12] = [
        Self::NotAuthenticated,
        Self::BadCredentials,
        Self::TokenNotValid,
        Self::TokenExpired,
        Self::TokenBlacklisted,
        Self::TokenReused,
        Self::SessionRevoked,
        Self::SessionExpired,
        Self::UserNotFound,
        Self::MfaInvalid,
        Self::MfaTokenInvalid,
        Self::PasskeyInvalid,
    ];

    /// The `code` of the 401 body, also the audit detail of a refused refresh.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotAuthenticated => "not_authenticated",
            Self::BadCredentials => "authentication_failed",
            Self::TokenNotValid | Self::TokenBlacklisted => "token_not_valid",
            Self::TokenExpired => "token_expired",
            Self::TokenReused => "token_reused",
            Self::SessionRevoked => "session_revoked",
            Self::SessionExpired => "session_expired",
            Self::UserNotFound => "user_not_found",
            Self::MfaInvalid => "mfa_invalid",
            Self::MfaTokenInvalid => "mfa_token_invalid",
            Self::PasskeyInvalid => "passkey_invalid",
        }
    }
}

/// How a refused token is reported.
impl From<TokenError> for AuthFailure {
    fn from(error: TokenError) -> Self {
        match error {
            TokenError::Expired => Self::TokenExpired,
            TokenError::WrongType | TokenError::Invalid => Self::TokenNotValid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AuthFailure::{self, *};

    #[test]
    fn all_lists_every_failure_once() {
        // A new variant fails to compile here until it has a place in `ALL`.
        let place = |failure: AuthFailure| match failure {
            NotAuthenticated => 0,
            BadCredentials => 1,
            TokenNotValid => 2,
            TokenExpired => 3,
            TokenBlacklisted => 4,
            TokenReused => 5,
            SessionRevoked => 6,
            SessionExpired => 7,
            UserNotFound => 8,
            MfaInvalid => 9,
            MfaTokenInvalid => 10,
            PasskeyInvalid => 11,
        };
        for (index, failure) in AuthFailure::ALL.into_iter().enumerate() {
            assert_eq!(place(failure), index, "{failure:?}");
        }
    }
}
