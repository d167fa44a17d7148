//! The signed-in user's account as every page sees it: fetched when the tab signs in and when
//! the profile opens, refreshed after a change made elsewhere (a verification link), and
//! forgotten on sign-out.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::User;
use crate::auth::{Auth, use_auth};
use crate::client::{self, ClientError};

/// The cached account, shared through context.
#[derive(Clone, Copy)]
pub struct Account {
    user: RwSignal<Option<User>>,
    problem: RwSignal<Option<String>>,
    fetching: StoredValue<bool>,
    stale: StoredValue<bool>,
    auth: Auth,
}

impl Account {
    /// The user, once fetched; `None` while signed out.
    pub fn user(&self) -> Option<User> {
        self.user.get()
    }

    /// Whether the user is known (without cloning it).
    pub fn loaded(&self) -> bool {
        self.user.with(Option::is_some)
    }

    /// Whether the user is staff, as last fetched (the Admin link; the admin API checks for
    /// itself on every call).
    pub fn is_staff(&self) -> bool {
        self.user
            .with(|user| user.as_ref().is_some_and(|user| user.is_staff))
    }

    /// Why the last fetch failed, if it did.
    pub fn problem(&self) -> Option<String> {
        self.problem.get()
    }

    /// The user as an answer of the server gave it (a profile edit).
    pub fn set(&self, user: User) {
        self.user.set(Some(user));
    }

    /// Fetches the user unless a fetch is already under way.
    pub fn load(self) {
        if !self.fetching.get_value() {
            self.fetch();
        }
    }

    /// Fetches the user after it changed on the server: a fetch already under way may have
    /// read it before the change, so another one follows it.
    pub fn reload(self) {
        if self.fetching.get_value() {
            self.stale.set_value(true);
        } else {
            self.fetch();
        }
    }

    fn fetch(self) {
        self.fetching.set_value(true);
        spawn_local(async move {
            let found = loop {
                self.stale.set_value(false);
                let found = client::current_user().await;
                if !self.stale.get_value() {
                    break found;
                }
            };
            self.fetching.set_value(false);
            // The tab may have signed out while the answer was on its way.
            if self.auth.signed_in_untracked() != Some(true) {
                return;
            }
            match found {
                Ok(user) => {
                    self.problem.set(None);
                    self.user.set(Some(user));
                }
                Err(ClientError::SignedOut) => self.auth.ended(),
                Err(error) => self.problem.set(error.into_body().summary()),
            }
        });
    }

    fn forget(self) {
        self.user.set(None);
        self.problem.set(None);
    }
}

/// Provides `Account` to the app; in the browser it follows the tab signing in and out.
pub fn provide_account() {
    let auth = use_auth();
    let account = Account {
        user: RwSignal::new(None),
        problem: RwSignal::new(None),
        fetching: StoredValue::new(false),
        stale: StoredValue::new(false),
        auth,
    };
    provide_context(account);
    // A memo, so that other tabs' token refreshes (which report "signed in" again) fetch nothing.
    let signed_in = Memo::new(move |_| auth.signed_in());
    Effect::new(move || match signed_in.get() {
        Some(true) => account.load(),
        Some(false) => account.forget(),
        None => {}
    });
}

pub fn use_account() -> Account {
    expect_context::<Account>()
}
