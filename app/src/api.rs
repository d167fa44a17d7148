//! The HTTP API's request and response bodies, shared by the server and the browser client.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `GET /api/user/` and the `user` of sign-in answers (seed 004).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i64,
    pub email: String,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    /// RFC 3339, UTC.
    pub date_joined: String,
}

/// An access and a refresh token (simplejwt's `TokenObtainPair` answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TokenPair {
    pub access: String,
    pub refresh: String,
}

/// Registration and sign-in answer: `{user, tokens}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuthResponse {
    pub user: User,
    pub tokens: TokenPair,
}

/// `POST /api/register/`. Every field is optional here so a missing one is a field error
/// ("This field is required."), not a parse failure.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegisterRequest {
    pub email: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub password2: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// `POST /api/login/`, `/api/auth/login/`, `/api/token/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub email: Option<String>,
    pub password: Option<String>,
}

/// `POST /api/token/refresh/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    pub refresh: Option<String>,
}

/// `POST /api/logout/`: `scope` is `current` (the default), `others` or `all`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LogoutRequest {
    pub refresh: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// One entry of `GET /api/sessions/`: where the user is signed in. Never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC: the last sign-in or refresh.
    pub last_used_at: String,
    /// RFC 3339, UTC: the absolute end.
    pub expires_at: String,
    pub user_agent: String,
    pub ip: String,
    /// Whether this is the session making the request.
    pub current: bool,
}

/// `PATCH /api/user/`: the fields present change, the others stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UpdateUserRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
}

/// `POST /api/password/change/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasswordChangeRequest {
    pub current_password: Option<String>,
    pub new_password: Option<String>,
    pub new_password2: Option<String>,
}

/// `POST /api/token/verify/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VerifyRequest {
    pub token: Option<String>,
}

/// Any error body: DRF's `{"detail", "code"}` or `{"field": ["message", ...]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    pub detail: Option<String>,
    pub code: Option<String>,
    pub fields: BTreeMap<String, Vec<String>>,
}

// Read by hand rather than with `#[serde(flatten)]`, whose buffering machinery would add tens
// of kilobytes to the browser's wasm.
impl<'de> Deserialize<'de> for ErrorBody {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;

        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = ErrorBody;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("an error body: detail, code, or field messages")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ErrorBody, A::Error> {
                let mut body = ErrorBody::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "detail" => body.detail = map.next_value()?,
                        "code" => body.code = map.next_value()?,
                        _ => {
                            let messages = map.next_value()?;
                            body.fields.insert(key, messages);
                        }
                    }
                }
                Ok(body)
            }
        }

        deserializer.deserialize_map(Fields)
    }
}

impl ErrorBody {
    /// The messages for one field, joined for display.
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields.get(name).map(|messages| messages.join(" "))
    }

    /// What to show above the form: `detail`, or the non-field errors.
    pub fn summary(&self) -> Option<String> {
        self.detail
            .clone()
            .or_else(|| self.field("non_field_errors"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drf_error_bodies_parse_into_detail_and_fields() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"email": ["Enter a valid email address."], "password": ["Too short.", "Too common."]}"#,
        )
        .unwrap();
        assert_eq!(
            body.field("email").as_deref(),
            Some("Enter a valid email address.")
        );
        assert_eq!(
            body.field("password").as_deref(),
            Some("Too short. Too common.")
        );
        assert_eq!(body.summary(), None);

        let body: ErrorBody =
            serde_json::from_str(r#"{"detail": "Token is expired", "code": "token_expired"}"#)
                .unwrap();
        assert_eq!(body.summary().as_deref(), Some("Token is expired"));
        assert_eq!(body.code.as_deref(), Some("token_expired"));
    }
}
