//! One user's page for staff: who they are, where they are signed in, their second factors and
//! what happened to the account lately, with the actions staff may take.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::actions::Actions;
use super::refusal::{Refusal, RefusalNotice};
use crate::api::{AdminUserDetail, AuditEvent, MfaStatus, SessionInfo, User};
use crate::auth::use_auth;
use crate::client;
use crate::pages::sessions::device;

/// An RFC 3339 time as "2026-12-02 14:55:03".
fn readable(at: &str) -> String {
    let at = at.get(..19).unwrap_or(at);
    at.replace('T', " ")
}

#[component]
pub fn UserDetail(id: i64) -> impl IntoView {
    let auth = use_auth();
    let detail = RwSignal::new(None::<AdminUserDetail>);
    let refusal = RwSignal::new(None::<Refusal>);
    let load = move || {
        spawn_local(async move {
            match client::admin::user(id).await {
                Ok(found) => {
                    refusal.set(None);
                    detail.try_set(Some(found));
                }
                Err(error) => {
                    refusal.try_set(Some(Refusal::of(error, auth)));
                }
            }
        });
    };
    Effect::new(load);

    let ready = Memo::new(move |_| detail.with(Option::is_some));
    // The parts redrawn from `detail` are type-erased: laid out whole inside the lazy
    // function's `AnyView`, the page's view type is nested deeper than the server crate's
    // default recursion limit (128) allows.
    move || match (refusal.get(), ready.get()) {
        // A refusal after the page was shown (staff status revoked meanwhile) hides it too.
        (Some(Refusal::Forbidden), _) => {
            EitherOf3::A(view! { <RefusalNotice refusal=Refusal::Forbidden/> })
        }
        (_, true) => EitherOf3::B(view! {
            <p class="back"><a href="/admin">"← All users"</a></p>
            {move || detail.get().map(|found| view! { <Profile user=found.user/> }.into_any())}
            {move || refusal.get().map(|refusal| view! { <RefusalNotice refusal/> })}
            <Actions id detail reload=load/>
            {move || detail.get().map(|found| view! {
                <Sessions sessions=found.sessions/>
                <SecondFactors factors=found.second_factors/>
                <Events events=found.events/>
            }.into_any())}
        }),
        (refusal, false) => EitherOf3::C(match refusal {
            Some(refusal) => Either::Left(view! { <RefusalNotice refusal/> }),
            None => Either::Right(view! { <p class="muted">"Loading the user…"</p> }),
        }),
    }
}

#[component]
fn Profile(user: User) -> impl IntoView {
    let name = format!("{} {}", user.first_name, user.last_name)
        .trim()
        .to_owned();
    view! {
        <h1 data-testid="admin-user-email">{user.email.clone()}</h1>
        <p class="badges">
            {(!user.is_active).then(|| view! { <span class="badge danger-badge">"Disabled"</span> })}
            {user.is_staff.then(|| view! { <span class="badge">"Staff"</span> })}
        </p>
        <dl class="details">
            <dt>"Username"</dt>
            <dd>{user.username}</dd>
            <dt>"Name"</dt>
            <dd>{if name.is_empty() { "—".to_owned() } else { name }}</dd>
            <dt>"Member since"</dt>
            <dd>{readable(&user.date_joined)}</dd>
            <dt>"Email"</dt>
            <dd>{if user.email_verified { "Verified" } else { "Not verified" }}</dd>
            <dt>"Account"</dt>
            <dd data-testid="admin-user-active">{if user.is_active { "Active" } else { "Disabled" }}</dd>
            <dt>"Staff"</dt>
            <dd data-testid="admin-user-staff">{if user.is_staff { "Yes" } else { "No" }}</dd>
        </dl>
    }
}

#[component]
fn Sessions(sessions: Vec<SessionInfo>) -> impl IntoView {
    let empty = sessions.is_empty();
    view! {
        <section class="section">
            <h2>"Live sessions"</h2>
            {empty.then(|| view! { <p class="muted">"Not signed in anywhere."</p> })}
            <ul class="sessions" data-testid="admin-user-sessions">
                {sessions.into_iter().map(|session| view! {
                    <li class="session">
                        <div>
                            <p class="device">{device(&session.user_agent)}</p>
                            <p class="muted small">
                                {format!("{} · last active {} · signed in {}", session.ip,
                                    readable(&session.last_used_at), readable(&session.created_at))}
                            </p>
                        </div>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn SecondFactors(factors: MfaStatus) -> impl IntoView {
    let app = if factors.totp {
        format!("On, {} recovery codes left", factors.recovery_codes_left)
    } else {
        "Off".to_owned()
    };
    let passkeys = match factors.passkeys.len() {
        0 => "None".to_owned(),
        1 => "1 passkey".to_owned(),
        count => format!("{count} passkeys"),
    };
    view! {
        <section class="section">
            <h2>"Second factors"</h2>
            <dl class="details">
                <dt>"Authenticator app"</dt>
                <dd>{app}</dd>
                <dt>"Passkeys"</dt>
                <dd>{passkeys}</dd>
            </dl>
        </section>
    }
}

#[component]
fn Events(events: Vec<AuditEvent>) -> impl IntoView {
    let empty = events.is_empty();
    view! {
        <section class="section">
            <h2>"Recent events"</h2>
            {if empty {
                Either::Left(view! { <p class="muted">"Nothing recorded yet."</p> })
            } else {
                Either::Right(view! {
                    <div class="table-scroll">
                        <table class="admin-table" data-testid="admin-user-events">
                            <thead>
                                <tr>
                                    <th scope="col">"When (UTC)"</th>
                                    <th scope="col">"Event"</th>
                                    <th scope="col">"Outcome"</th>
                                    <th scope="col">"From"</th>
                                    <th scope="col">"By staff"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {events.into_iter().map(|event| {
                                    let failed = event.outcome != "success";
                                    view! {
                                    <tr class:failure=failed title=event.detail>
                                        <td>{readable(&event.at)}</td>
                                        <td>{event.kind}</td>
                                        <td>{event.outcome}</td>
                                        <td>{event.ip}</td>
                                        <td>{event.actor_id.map(|actor| format!("#{actor}")).unwrap_or_default()}</td>
                                    </tr>
                                }}).collect_view()}
                            </tbody>
                        </table>
                    </div>
                })
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_date_and_time_without_fractions() {
        assert_eq!(
            readable("2026-12-02T14:55:03.123456Z"),
            "2026-12-02 14:55:03"
        );
        assert_eq!(readable("2026-12-02"), "2026-12-02");
    }
}
