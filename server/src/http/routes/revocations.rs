//! `GET /api/revocations/stream`: Server-Sent Events (WHATWG HTML §9.2) of ended sessions, so
//! services that verify access tokens from the JWKS refuse a revoked session's tokens too. Fed
//! by the revocation set every instance keeps in step (PostgreSQL's feed, SQLite's poll), so any
//! instance serves any follower, and a follower resumes on any instance.
//!
//! Each event is `{"sid", "until"}` with `id` = `until` (Unix seconds after which no access token
//! of that session is valid any more). A new connection first gets every revocation still in
//! force; one that sends `Last-Event-ID` gets those whose `until` is at most a minute before it
//! (revocations reach instances a little out of order; a repeat is harmless to a follower), then
//! every revocation as it is learnt. Comment lines every 15 s keep proxies from closing it.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::watch;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::revocations::Revoked;
use crate::auth::{Auth, AuthFailure};
use crate::http::error::{ApiError, AuthError};
use crate::http::extract::bearer_token;
use crate::http::state::AppState;

/// How often a comment line is sent on an idle stream.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// How far before `Last-Event-ID` a resumed stream starts again.
const RESUME_OVERLAP_SECS: i64 = 60;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stream))
}

/// One event's data.
#[derive(Serialize)]
struct RevokedSession<'a> {
    sid: &'a str,
    until: i64,
}

fn event(revoked: &Revoked) -> Event {
    let data = RevokedSession {
        sid: &revoked.sid,
        until: revoked.until,
    };
    Event::default()
        .id(revoked.until.to_string())
        .json_data(data)
        .unwrap_or_else(|_| Event::default().comment("unserialisable revocation"))
}

/// Whether the request carries REVOCATION_STREAM_TOKEN; none configured, none does. The
/// digests are compared, so the comparison's timing says nothing about the token.
fn authorized(token: Option<&SecretString>, headers: &HeaderMap) -> bool {
    let (Some(token), Some(presented)) = (token, bearer_token(headers)) else {
        return false;
    };
    Sha256::digest(presented.as_bytes()) == Sha256::digest(token.expose_secret().as_bytes())
}

/// The ended sessions, as they end.
#[utoipa::path(
    get,
    path = "/revocations/stream",
    tag = "operations",
    security(("revocation_stream_token" = [])),
    params(("Last-Event-ID" = Option<i64>, Header, description = "The `id` of the last event received: resume from there")),
    responses(
        (status = 200, description = "`text/event-stream`, open until the client leaves: one event per ended \
                                      session, `id: <until>` and `data: {\"sid\", \"until\"}` (the session id of \
                                      the tokens' `sid` claim; after `until`, Unix seconds, none of its access \
                                      tokens is valid anyway); a comment line every 15 s",
            body = String, content_type = "text/event-stream"),
        (status = 401, description = "Not REVOCATION_STREAM_TOKEN (or none is configured): `not_authenticated`",
            body = AuthError,
            headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
    )
)]
async fn stream(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !authorized(state.revocation_stream_token.as_ref(), &headers) {
        return ApiError::Unauthorized(AuthFailure::NotAuthenticated).into_response();
    }
    let resume_from = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<i64>().ok())
        .map_or(i64::MIN, |id| id.saturating_sub(RESUME_OVERLAP_SECS));
    let mut response = Sse::new(follow(
        state.auth.clone(),
        resume_from,
        state.stopping.clone(),
    ))
    .keep_alive(KeepAlive::new().interval(HEARTBEAT))
    .into_response();
    // nginx buffers responses unless told not to, which would hold events back.
    response.headers_mut().insert(
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    response
}

/// A follower's place: what is left to replay, and the revocations learnt since it subscribed.
struct Follower {
    auth: Arc<Auth>,
    replay: VecDeque<Revoked>,
    learnt: broadcast::Receiver<Revoked>,
    /// The latest `until` sent, where a follower that fell behind catches up from.
    last: i64,
    /// The server is stopping: the stream ends (clients reconnect elsewhere, `Last-Event-ID`).
    stopping: watch::Receiver<bool>,
}

/// The events for a follower resuming from `from`: subscribed before the replay is read, so a
/// revocation learnt in between is sent (twice at worst), never lost.
fn follow(
    auth: Arc<Auth>,
    from: i64,
    stopping: watch::Receiver<bool>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let learnt = auth.revocations.subscribe();
    let follower = Follower {
        replay: auth.revocations.since(from).into(),
        auth,
        learnt,
        last: from,
        stopping,
    };
    futures::stream::unfold(follower, |mut follower| async move {
        loop {
            let next = match follower.replay.pop_front() {
                Some(revoked) => revoked,
                None => match tokio::select! {
                    received = follower.learnt.recv() => received,
                    _ = follower.stopping.wait_for(|stopping| *stopping) => return None,
                } {
                    Ok(revoked) => revoked,
                    // Fell more than the channel's capacity behind: catch up from the set.
                    Err(RecvError::Lagged(_)) => {
                        let from = follower.last.saturating_sub(RESUME_OVERLAP_SECS);
                        follower.replay = follower.auth.revocations.since(from).into();
                        continue;
                    }
                    Err(RecvError::Closed) => return None,
                },
            };
            follower.last = follower.last.max(next.until);
            return Some((Ok(event(&next)), follower));
        }
    })
}
