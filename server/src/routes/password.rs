//! Changing the password: proves the current one, and ends every other session
//! (OWASP ASVS 3.3.3).

use app::api::PasswordChangeRequest;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::parse_field;
use crate::domain::Password;
use crate::error::{ApiError, AuthFailure, FieldErrors};
use crate::extract::{AppJson, AuthUser, ClientInfo};
use crate::sessions;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/password/change", post(change))
}

async fn change(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    client: ClientInfo,
    AppJson(body): AppJson<PasswordChangeRequest>,
) -> Result<Json<Value>, ApiError> {
    let mut errors = FieldErrors::new();
    let current = parse_field(
        &mut errors,
        "current_password",
        &body.current_password,
        |raw| Ok(raw.to_owned()),
    );
    let new = parse_field(
        &mut errors,
        "new_password",
        &body.new_password,
        Password::parse,
    );
    let new2 = parse_field(&mut errors, "new_password2", &body.new_password2, |raw| {
        Ok(raw.to_owned())
    });
    let (Some(current), Some(new), Some(new2)) = (current, new, new2) else {
        return Err(ApiError::Validation(errors));
    };
    if new.expose() != new2 {
        return Err(ApiError::field(
            "new_password2",
            "The two password fields didn't match.",
        ));
    }
    let user = state
        .store
        .user_by_id(claims.user_id)
        .await?
        .ok_or(ApiError::Unauthorized(AuthFailure::UserNotFound))?;
    if !state
        .hasher
        .verify(&current, Some(user.password_hash))
        .await?
    {
        return Err(ApiError::field(
            "current_password",
            "Your old password was entered incorrectly. Please enter it again.",
        ));
    }
    let hash = state.hasher.hash(new.expose()).await?;
    state.store.set_password_hash(user.id, &hash).await?;
    sessions::end_user_sessions(
        &state,
        user.id,
        Some(&claims.sid),
        "password_changed",
        &client.ip,
    )
    .await?;
    Ok(Json(
        json!({ "detail": "Password changed. Your other sessions have been signed out." }),
    ))
}
