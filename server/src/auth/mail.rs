//! Every mail Gatehouse sends, in one place: subject, plain-text and HTML parts. Each says what
//! happened, the link if there is one, and what to do if it was not you.

/// Which mail; stored with the outbox row and used as the metrics label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    PasswordReset,
    PasswordChanged,
    VerifyEmail,
    ConfirmNewEmail,
    EmailChangeNotice,
    TotpEnabled,
    TotpDisabled,
    RecoveryCodesRenewed,
    PasskeyAdded,
    PasskeyRemoved,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PasswordReset => "password_reset",
            Self::PasswordChanged => "password_changed",
            Self::VerifyEmail => "verify_email",
            Self::ConfirmNewEmail => "confirm_new_email",
            Self::EmailChangeNotice => "email_change_notice",
            Self::TotpEnabled => "totp_enabled",
            Self::TotpDisabled => "totp_disabled",
            Self::RecoveryCodesRenewed => "recovery_codes_renewed",
            Self::PasskeyAdded => "passkey_added",
            Self::PasskeyRemoved => "passkey_removed",
        }
    }
}

/// A mail ready for the outbox.
#[derive(Debug, Clone)]
pub struct Mail {
    pub kind: MailKind,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

const NOT_YOU: &str =
    "If this was not you, you can ignore this mail; nothing changes unless the link is opened.";

/// "Reset your password": the link and how long it works.
pub fn password_reset(to: &str, link: &str, lifetime_secs: i64) -> Mail {
    let lifetime = human_duration(lifetime_secs);
    let text = format!(
        "Someone asked to reset the password of the Gatehouse account for {to}.\n\n\
         To choose a new password, open this link (it works once, for {lifetime}):\n\n{link}\n\n\
         {NOT_YOU}\n"
    );
    let html = page(&[
        &format!(
            "Someone asked to reset the password of the Gatehouse account for <b>{}</b>.",
            escape(to)
        ),
        &format!(
            "{} (it works once, for {lifetime}).",
            button(link, "Choose a new password")
        ),
        NOT_YOU,
    ]);
    mail(
        MailKind::PasswordReset,
        to,
        "Reset your Gatehouse password",
        text,
        html,
    )
}

/// "Your password was changed": sent after a reset, so a takeover does not go unnoticed.
pub fn password_changed(to: &str) -> Mail {
    let warning = "If you did not do this, reset your password at once and review your sessions: \
                   someone else may know your password or have access to your mail.";
    let text = format!(
        "The password of the Gatehouse account for {to} was just changed, and every session \
         was signed out.\n\n{warning}\n"
    );
    let html = page(&[
        &format!(
            "The password of the Gatehouse account for <b>{}</b> was just changed, and every \
             session was signed out.",
            escape(to)
        ),
        warning,
    ]);
    mail(
        MailKind::PasswordChanged,
        to,
        "Your Gatehouse password was changed",
        text,
        html,
    )
}

/// "Verify your address": sent at registration and on request.
pub fn verify_email(to: &str, link: &str, lifetime_secs: i64) -> Mail {
    let lifetime = human_duration(lifetime_secs);
    let text = format!(
        "Please confirm that {to} is your address for Gatehouse by opening this link \
         (it works once, for {lifetime}):\n\n{link}\n\n\
         If you did not create a Gatehouse account, ignore this mail.\n"
    );
    let html = page(&[
        &format!(
            "Please confirm that <b>{}</b> is your address for Gatehouse.",
            escape(to)
        ),
        &format!(
            "{} (it works once, for {lifetime}).",
            button(link, "Verify my address")
        ),
        "If you did not create a Gatehouse account, ignore this mail.",
    ]);
    mail(
        MailKind::VerifyEmail,
        to,
        "Verify your email address for Gatehouse",
        text,
        html,
    )
}

/// "Confirm your new address": sent to the new address of a change.
pub fn confirm_new_email(to: &str, link: &str, lifetime_secs: i64) -> Mail {
    let lifetime = human_duration(lifetime_secs);
    let text = format!(
        "Someone asked to move a Gatehouse account to {to}. To confirm, open this link \
         (it works once, for {lifetime}):\n\n{link}\n\n{NOT_YOU}\n"
    );
    let html = page(&[
        &format!(
            "Someone asked to move a Gatehouse account to <b>{}</b>.",
            escape(to)
        ),
        &format!(
            "{} (it works once, for {lifetime}).",
            button(link, "Confirm my new address")
        ),
        NOT_YOU,
    ]);
    mail(
        MailKind::ConfirmNewEmail,
        to,
        "Confirm your new email address for Gatehouse",
        text,
        html,
    )
}

/// "Your address is being changed": the notice to the old address.
pub fn email_change_notice(to: &str, new_email: &str) -> Mail {
    let warning = "If you did not ask for this, change your password at once: the change \
                   happens only when the link sent to the new address is opened.";
    let text = format!(
        "Someone signed in to the Gatehouse account for {to} asked to change its address to \
         {new_email}.\n\n{warning}\n"
    );
    let html = page(&[
        &format!(
            "Someone signed in to the Gatehouse account for <b>{}</b> asked to change its address \
             to <b>{}</b>.",
            escape(to),
            escape(new_email)
        ),
        warning,
    ]);
    mail(
        MailKind::EmailChangeNotice,
        to,
        "Your Gatehouse email address is being changed",
        text,
        html,
    )
}

/// What a second-factor notice says after what happened, for anyone it was not.
const NOT_YOU_SECOND_FACTOR: &str = "If you did not do this, someone may be signed in to your account: \
     change your password at once (which signs out every other session) and review your second \
     factors.";

/// A second-factor notice to `to`: what `happened` (plain text, no markup).
fn second_factor_notice(kind: MailKind, to: &str, subject: &str, happened: &str) -> Mail {
    let text =
        format!("{happened} on the Gatehouse account for {to}.\n\n{NOT_YOU_SECOND_FACTOR}\n");
    let html = page(&[
        &format!(
            "{happened} on the Gatehouse account for <b>{}</b>.",
            escape(to)
        ),
        NOT_YOU_SECOND_FACTOR,
    ]);
    mail(kind, to, subject, text, html)
}

/// "Two-factor authentication is on": an authenticator app now guards sign-in.
pub fn totp_enabled(to: &str) -> Mail {
    second_factor_notice(
        MailKind::TotpEnabled,
        to,
        "Two-factor authentication is on for your Gatehouse account",
        "Two-factor authentication with an authenticator app was turned on, with a new set of \
         recovery codes,",
    )
}

/// "Two-factor authentication is off": sign-in takes the password alone again.
pub fn totp_disabled(to: &str) -> Mail {
    second_factor_notice(
        MailKind::TotpDisabled,
        to,
        "Two-factor authentication is off for your Gatehouse account",
        "Two-factor authentication was turned off, and its recovery codes deleted,",
    )
}

/// "New recovery codes": the old set no longer works.
pub fn recovery_codes_renewed(to: &str) -> Mail {
    second_factor_notice(
        MailKind::RecoveryCodesRenewed,
        to,
        "New recovery codes for your Gatehouse account",
        "A new set of recovery codes was made (the old codes no longer work)",
    )
}

/// "A passkey was added": it can now sign in to the account on its own. (Its name is the
/// owner's text and stays out of the mail.)
pub fn passkey_added(to: &str) -> Mail {
    second_factor_notice(
        MailKind::PasskeyAdded,
        to,
        "A passkey was added to your Gatehouse account",
        "A passkey was added, which signs in without the password,",
    )
}

/// "A passkey was removed": it no longer signs in.
pub fn passkey_removed(to: &str) -> Mail {
    second_factor_notice(
        MailKind::PasskeyRemoved,
        to,
        "A passkey was removed from your Gatehouse account",
        "A passkey was removed",
    )
}

fn mail(kind: MailKind, to: &str, subject: &str, text: String, html: String) -> Mail {
    Mail {
        kind,
        to: to.to_owned(),
        subject: subject.to_owned(),
        text,
        html,
    }
}

/// A minimal HTML document: one paragraph per part (parts are already escaped).
fn page(paragraphs: &[&str]) -> String {
    let body: String = paragraphs
        .iter()
        .map(|paragraph| format!("<p>{paragraph}</p>\n"))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Gatehouse</title></head>\n\
         <body style=\"font-family: sans-serif; line-height: 1.5\">\n{body}</body></html>\n"
    )
}

/// A link styled as a button, with the address written out for mail clients that hide links.
fn button(link: &str, label: &str) -> String {
    let link = escape(link);
    format!("<a href=\"{link}\">{label}</a><br><small>{link}</small><br>")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `3600` → "1 hour", `259200` → "3 days".
fn human_duration(seconds: i64) -> String {
    let (count, unit) = match seconds {
        s if s % 86_400 == 0 => (s / 86_400, "day"),
        s if s % 3_600 == 0 => (s / 3_600, "hour"),
        s if s % 60 == 0 => (s / 60, "minute"),
        s => (s, "second"),
    };
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mail_has_both_parts_and_the_link() {
        let link = "https://x.test/reset-password?token=abc";
        for mail in [
            password_reset("a@x.test", link, 3600),
            verify_email("a@x.test", link, 259_200),
            confirm_new_email("a@x.test", link, 259_200),
        ] {
            assert!(mail.text.contains(link), "{:?}", mail.kind);
            assert!(mail.html.contains(link), "{:?}", mail.kind);
            assert!(!mail.subject.is_empty());
        }
        assert!(
            password_reset("a@x.test", link, 3600)
                .text
                .contains("1 hour")
        );
        assert!(
            verify_email("a@x.test", link, 259_200)
                .text
                .contains("3 days")
        );
        let notice = email_change_notice("<a>@x.test", "b@x.test");
        assert!(notice.html.contains("&lt;a&gt;@x.test"));
        assert!(
            password_changed("a@x.test")
                .text
                .contains("reset your password")
        );
    }

    #[test]
    fn second_factor_notices_say_what_happened_and_what_to_do() {
        for (mail, happened) in [
            (totp_enabled("<a>@x.test"), "turned on"),
            (totp_disabled("<a>@x.test"), "turned off"),
            (passkey_added("<a>@x.test"), "passkey was added"),
            (passkey_removed("<a>@x.test"), "passkey was removed"),
            (
                recovery_codes_renewed("<a>@x.test"),
                "new set of recovery codes",
            ),
        ] {
            assert!(mail.text.contains(happened), "{:?}", mail.kind);
            assert!(
                mail.text.contains("change your password"),
                "{:?}",
                mail.kind
            );
            assert!(mail.html.contains("&lt;a&gt;@x.test"), "{:?}", mail.kind);
            assert!(!mail.subject.is_empty());
        }
    }
}
