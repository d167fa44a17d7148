//! Changing the password: proves the current one, and ends every other session
//! (OWASP ASVS 3.3.3).

use app::api::PasswordChangeRequest;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{parse_field, parse_password};
use crate::audit::{Event, EventKind, Outcome};
use crate::error::{ApiError, AuthFailure, FieldErrors};
use crate::extract::{AppJson, AuthUser, ClientInfo};
use crate::openapi::Throttled;
use crate::password_policy::Attributes;
use crate::sessions;
use crate::state::AppState;
use crate::throttle::{Account, Action};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(change))
}

/// Changes the password; the current one must be given. Rate limited per address and user.
#[utoipa::path(
    post,
    path = "/password/change",
    tag = "account",
    security(("bearer" = [])),
    request_body = PasswordChangeRequest,
    responses(
        (status = 200, description = "Changed; every other session is signed out"),
        (status = 400, description = "Field errors: wrong current password, weak or mismatched new one"),
        (status = 401, description = "No, an invalid, an expired or a revoked access token"),
        Throttled,
    )
)]
async fn change(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    client: ClientInfo,
    AppJson(body): AppJson<PasswordChangeRequest>,
) -> Result<Json<Value>, ApiError> {
    state.throttle.check(
        Action::PasswordChange,
        client.address,
        Some(&Account::User(claims.user_id)),
    )?;
    let user = state
        .store
        .user_by_id(claims.user_id)
        .await?
        .ok_or(ApiError::Unauthorized(AuthFailure::UserNotFound))?;
    let attributes = Attributes {
        email: &user.email,
        username: &user.username,
        first_name: &user.first_name,
        last_name: &user.last_name,
    };
    let mut errors = FieldErrors::new();
    let current = parse_field(
        &mut errors,
        "current_password",
        &body.current_password,
        |raw| Ok(raw.to_owned()),
    );
    let new = parse_password(
        &mut errors,
        "new_password",
        &body.new_password,
        &state.password_policy,
        &attributes,
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
    if !state
        .hasher
        .verify(&current, Some(user.password_hash))
        .await?
    {
        let event = Event {
            kind: EventKind::PasswordChanged,
            outcome: Outcome::Failure,
            user_id: Some(user.id),
            session_id: Some(&claims.sid),
            ip: &client.ip,
            detail: "wrong current password",
        };
        state.audit.record(event).await;
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
        EventKind::PasswordChanged,
        &client.ip,
    )
    .await?;
    Ok(Json(
        json!({ "detail": "Password changed. Your other sessions have been signed out." }),
    ))
}
