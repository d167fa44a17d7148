//! What staff may do to an account: disable or enable it, end all its sessions, grant or
//! revoke staff status. Each asks for a confirmation in the page (a second button, which a
//! keyboard and a test can reach, unlike `window.confirm`), then shows the server's answer,
//! such as its refusal to let staff demote or disable themselves.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{AdminUserDetail, AdminUserUpdate, ErrorBody};
use crate::auth::use_auth;
use crate::client::ClientError;
use crate::client::admin;
use crate::components::{FormAlert, Status};

/// One action on an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Action {
    Disable,
    Enable,
    SignOutEverywhere,
    GrantStaff,
    RevokeStaff,
}

impl Action {
    /// The button that starts it.
    fn label(self) -> &'static str {
        match self {
            Self::Disable => "Disable",
            Self::Enable => "Enable",
            Self::SignOutEverywhere => "Sign out everywhere",
            Self::GrantStaff => "Grant staff",
            Self::RevokeStaff => "Revoke staff",
        }
    }

    /// The button's look: red for what takes something away.
    fn style(self) -> &'static str {
        match self {
            Self::Enable | Self::GrantStaff => "secondary",
            Self::Disable | Self::SignOutEverywhere | Self::RevokeStaff => "danger",
        }
    }

    /// What the confirmation says will happen.
    fn consequence(self) -> &'static str {
        match self {
            Self::Disable => {
                "Disable this account? Every session ends at once and signing in is refused until it is enabled again."
            }
            Self::Enable => "Enable this account? Its owner can sign in again.",
            Self::SignOutEverywhere => {
                "End every session of this account? Each device must sign in again."
            }
            Self::GrantStaff => {
                "Make this user staff? They can then see every account and change them here."
            }
            Self::RevokeStaff => "Remove this user's staff status? The Admin pages close to them.",
        }
    }

    /// The button that confirms it.
    fn confirmation(self) -> &'static str {
        match self {
            Self::Disable => "Yes, disable",
            Self::Enable => "Yes, enable",
            Self::SignOutEverywhere => "Yes, sign out everywhere",
            Self::GrantStaff => "Yes, grant staff",
            Self::RevokeStaff => "Yes, revoke staff",
        }
    }

    /// What the page says once it is done.
    fn done(self) -> &'static str {
        match self {
            Self::Disable => "Disabled: every session has ended.",
            Self::Enable => "Enabled: the account can sign in again.",
            Self::SignOutEverywhere => "Every session has ended.",
            Self::GrantStaff => "Staff status granted.",
            Self::RevokeStaff => "Staff status revoked.",
        }
    }

    /// The actions offered for an account in its current state.
    fn offered(is_active: bool, is_staff: bool) -> [Self; 3] {
        [
            if is_active {
                Self::Disable
            } else {
                Self::Enable
            },
            Self::SignOutEverywhere,
            if is_staff {
                Self::RevokeStaff
            } else {
                Self::GrantStaff
            },
        ]
    }

    async fn perform(self, id: i64) -> Result<(), ClientError> {
        let change = |is_active, is_staff| AdminUserUpdate {
            is_active,
            is_staff,
        };
        match self {
            Self::Disable => admin::update_user(id, &change(Some(false), None)).await,
            Self::Enable => admin::update_user(id, &change(Some(true), None)).await,
            Self::GrantStaff => admin::update_user(id, &change(None, Some(true))).await,
            Self::RevokeStaff => admin::update_user(id, &change(None, Some(false))).await,
            Self::SignOutEverywhere => return admin::sign_out_user(id).await,
        }
        .map(drop)
    }
}

/// The server's reason, field errors first (`{"is_staff": ["You cannot remove your own staff
/// status."]}`).
fn reason(body: &ErrorBody) -> Option<String> {
    body.field("is_active")
        .or_else(|| body.field("is_staff"))
        .or_else(|| body.summary())
}

#[component]
pub fn Actions(
    id: i64,
    detail: RwSignal<Option<AdminUserDetail>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let asking = RwSignal::new(None::<Action>);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let offered = move || {
        detail.with(|found| {
            found.as_ref().map_or(Vec::new(), |found| {
                Action::offered(found.user.is_active, found.user.is_staff).to_vec()
            })
        })
    };

    let ask = move |action: Action| {
        problem.set(None);
        done.set(None);
        asking.set(Some(action));
    };
    let confirm = move |action: Action| {
        busy.set(true);
        spawn_local(async move {
            match action.perform(id).await {
                Ok(()) => {
                    done.try_set(Some(action.done().to_owned()));
                    reload();
                }
                Err(error) => {
                    if error == ClientError::SignedOut {
                        auth.ended();
                    }
                    problem.try_set(reason(&error.into_body()));
                }
            }
            asking.try_set(None);
            busy.try_set(false);
        });
    };

    view! {
        <section class="section">
            <h2>"Actions"</h2>
            <FormAlert message=problem/>
            <Status message=done/>
            <div class="actions wrap">
                <For each=offered key=|action| *action let:action>
                    <button type="button" class=action.style()
                        disabled=move || busy.get() || asking.get().is_some()
                        on:click=move |_| ask(action)>{action.label()}</button>
                </For>
            </div>
            {move || asking.get().map(|action| view! {
                <div class="confirm" role="group" aria-label="Confirm">
                    <p>{action.consequence()}</p>
                    <div class="actions">
                        <button type="button" class="danger" disabled=move || busy.get()
                            on:click=move |_| confirm(action)>{action.confirmation()}</button>
                        <button type="button" class="secondary" disabled=move || busy.get()
                            on:click=move |_| asking.set(None)>"Cancel"</button>
                    </div>
                </div>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_offered_the_opposite_of_its_state() {
        assert_eq!(
            Action::offered(true, false),
            [
                Action::Disable,
                Action::SignOutEverywhere,
                Action::GrantStaff
            ]
        );
        assert_eq!(
            Action::offered(false, true),
            [
                Action::Enable,
                Action::SignOutEverywhere,
                Action::RevokeStaff
            ]
        );
    }

    #[test]
    fn a_refused_self_demotion_shows_the_field_message() {
        let mut body = ErrorBody::default();
        body.fields.insert(
            "is_staff".into(),
            vec!["You cannot remove your own staff status.".into()],
        );
        assert_eq!(
            reason(&body).as_deref(),
            Some("You cannot remove your own staff status.")
        );
    }
}
