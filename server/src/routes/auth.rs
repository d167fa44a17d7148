//! Registration, sign-in (three spellings, seeds 001/004 and simplejwt) and logout.

use app::api::{AuthResponse, LoginRequest, LogoutRequest, RegisterRequest, TokenPair};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::user::public_user;
use super::{parse_field, required};
use crate::audit::{Event, EventKind, Outcome};
use crate::clock;
use crate::domain::{Email, Password, PersonName, Username};
use crate::error::{ApiError, AuthFailure, FieldErrors};
use crate::extract::{AppJson, ClientInfo};
use crate::openapi::{SignInRefused, Throttled};
use crate::password_policy::{Attributes, PasswordPolicy};
use crate::sessions::{self, LogoutScope};
use crate::state::AppState;
use crate::store::{CreateUserError, NewUser, UserRow};
use crate::throttle::{Account, Action};

/// The canonical paths; their aliases (`/auth/login`, `/auth/logout`, `/token/blacklist`)
/// are declared with the other aliases in `routes::ALIASES`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(obtain_pair))
        .routes(routes!(logout))
}

/// A registration whose every field passed its rule.
struct Registration {
    email: Email,
    username: Username,
    password: Password,
    first_name: PersonName,
    last_name: PersonName,
}

impl Registration {
    /// Checks every field and reports all problems at once.
    fn parse(body: &RegisterRequest, policy: &PasswordPolicy) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::new();
        let email = parse_field(&mut errors, "email", &body.email, Email::parse);
        let username = parse_field(&mut errors, "username", &body.username, Username::parse);
        let attributes = Attributes {
            email: body.email.as_deref().unwrap_or_default(),
            username: body.username.as_deref().unwrap_or_default(),
            first_name: body.first_name.as_deref().unwrap_or_default(),
            last_name: body.last_name.as_deref().unwrap_or_default(),
        };
        let password =
            super::parse_password(&mut errors, "password", &body.password, policy, &attributes);
        let password2 = parse_field(&mut errors, "password2", &body.password2, |raw| {
            Ok(raw.to_owned())
        });
        let mut optional_name = |field: &'static str, value: &Option<String>| {
            PersonName::parse(value.as_deref())
                .map_err(|message| errors.entry(field).or_default().push(message))
                .ok()
        };
        let first_name = optional_name("first_name", &body.first_name);
        let last_name = optional_name("last_name", &body.last_name);
        match (email, username, password, password2, first_name, last_name) {
            (
                Some(email),
                Some(username),
                Some(password),
                Some(password2),
                Some(first_name),
                Some(last_name),
            ) if errors.is_empty() => {
                if password.expose() != password2 {
                    return Err(ApiError::field("password", "Password fields didn't match."));
                }
                Ok(Self {
                    email,
                    username,
                    password,
                    first_name,
                    last_name,
                })
            }
            _ => Err(ApiError::Validation(errors)),
        }
    }
}

/// Creates an account and signs it in.
#[utoipa::path(
    post,
    path = "/register",
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created and signed in", body = AuthResponse),
        (status = 400, description = "Field errors, e.g. a taken email or a common password"),
        Throttled,
    )
)]
async fn register(
    State(state): State<AppState>,
    client: ClientInfo,
    AppJson(body): AppJson<RegisterRequest>,
) -> Result<(StatusCode, Json<AuthResponse>), ApiError> {
    let account = body.email.as_deref().map(Account::email);
    state
        .throttle
        .check(Action::Register, client.address, account.as_ref())?;
    let registration = Registration::parse(&body, &state.password_policy)?;
    let password_hash = state.hasher.hash(registration.password.expose()).await?;
    let user = state
        .store
        .create_user(NewUser {
            email: registration.email.as_str(),
            username: registration.username.as_str(),
            password_hash: &password_hash,
            first_name: registration.first_name.as_str(),
            last_name: registration.last_name.as_str(),
            date_joined: clock::now(),
        })
        .await
        .map_err(|error| match error {
            CreateUserError::EmailTaken => {
                ApiError::field("email", "user with this email already exists.")
            }
            CreateUserError::UsernameTaken => {
                ApiError::field("username", "A user with that username already exists.")
            }
            CreateUserError::Database(error) => error.into(),
        })?;
    let tokens = sessions::start(&state, &user, &client, EventKind::Register).await?;
    Ok((
        StatusCode::CREATED,
        Json(AuthResponse {
            user: public_user(&user),
            tokens,
        }),
    ))
}

/// Checks email and password. An unknown email costs a dummy hash verify, so it answers
/// exactly like a wrong password, in body and in time (OWASP Authentication Cheat Sheet).
/// Attempts are rate limited per address and per email, and failures are audited.
async fn authenticate(
    state: &AppState,
    client: &ClientInfo,
    body: &LoginRequest,
) -> Result<UserRow, ApiError> {
    let account = body.email.as_deref().map(Account::email);
    state
        .throttle
        .check(Action::Login, client.address, account.as_ref())?;
    let mut errors = FieldErrors::new();
    let email = parse_field(&mut errors, "email", &body.email, |raw| {
        Ok(Email::parse(raw).ok())
    });
    let password = parse_field(&mut errors, "password", &body.password, |raw| {
        Ok(raw.to_owned())
    });
    let (Some(email), Some(password)) = (email, password) else {
        return Err(ApiError::Validation(errors));
    };
    let user = match email {
        Some(email) => state.store.user_by_email(email.as_str()).await?,
        None => None,
    };
    let hash = user.as_ref().map(|user| user.password_hash.clone());
    let password_matches = state.hasher.verify(&password, hash).await?;
    match user {
        Some(user) if password_matches => Ok(user),
        user => {
            let detail = match (&user, &account) {
                (Some(_), _) => "wrong password".to_owned(),
                // Unknown accounts are recorded by the address tried (bounded), to spot
                // credential stuffing.
                (None, Some(Account::Email(email))) => {
                    format!(
                        "unknown account {}",
                        email.chars().take(254).collect::<String>()
                    )
                }
                (None, _) => "unknown account".to_owned(),
            };
            let event = Event {
                kind: EventKind::Login,
                outcome: Outcome::Failure,
                user_id: user.map(|user| user.id),
                session_id: None,
                ip: &client.ip,
                detail: &detail,
            };
            state.audit.record(event).await;
            Err(ApiError::Unauthorized(AuthFailure::BadCredentials))
        }
    }
}

/// Signs in with email and password (seed 004's answer; also at `/api/auth/login`).
#[utoipa::path(
    post,
    path = "/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = AuthResponse),
        SignInRefused,
        Throttled,
    )
)]
pub(super) async fn login(
    State(state): State<AppState>,
    client: ClientInfo,
    AppJson(body): AppJson<LoginRequest>,
) -> Result<Json<AuthResponse>, ApiError> {
    let user = authenticate(&state, &client, &body).await?;
    let tokens = sessions::start(&state, &user, &client, EventKind::Login).await?;
    Ok(Json(AuthResponse {
        user: public_user(&user),
        tokens,
    }))
}

/// simplejwt's `TokenObtainPairView`: the same sign-in, answering only `{access, refresh}`.
#[utoipa::path(
    post,
    path = "/token",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        SignInRefused,
        Throttled,
    )
)]
async fn obtain_pair(
    State(state): State<AppState>,
    client: ClientInfo,
    AppJson(body): AppJson<LoginRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    let user = authenticate(&state, &client, &body).await?;
    Ok(Json(
        sessions::start(&state, &user, &client, EventKind::Login).await?,
    ))
}

/// Ends the session of the refresh token, or with `scope` the user's other or all
/// sessions; 205 Reset Content as in seed 001 (also at `/api/auth/logout` and simplejwt's
/// `/api/token/blacklist`).
#[utoipa::path(
    post,
    path = "/logout",
    tag = "auth",
    request_body = LogoutRequest,
    responses(
        (status = 205, description = "Signed out"),
        (status = 400, description = "`refresh` missing or `scope` unknown"),
        (status = 401, description = "The refresh token is not its session's live one"),
    )
)]
pub(super) async fn logout(
    State(state): State<AppState>,
    client: ClientInfo,
    AppJson(body): AppJson<LogoutRequest>,
) -> Result<StatusCode, ApiError> {
    let refresh = required(&body.refresh, "refresh")?;
    let scope = match body.scope.as_deref().map(str::trim) {
        None | Some("") | Some("current") => LogoutScope::Current,
        Some("others") => LogoutScope::Others,
        Some("all") => LogoutScope::All,
        Some(other) => {
            return Err(ApiError::field(
                "scope",
                format!("\"{other}\" is not a valid choice: use current, others or all."),
            ));
        }
    };
    sessions::logout(&state, refresh, scope, &client).await?;
    Ok(StatusCode::RESET_CONTENT)
}
