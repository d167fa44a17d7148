//! Building blocks shared by the pages.

mod field;
pub mod form;
mod form_alert;
mod lazy_view;
mod name_fields;
mod nav;
mod new_password_fields;
mod protected;
mod resend;
mod status;
mod submit;
mod verify_banner;

pub use field::Field;
pub use form::{Checks, FormState};
pub use form_alert::FormAlert;
pub use lazy_view::lazy_view;
pub use name_fields::NameFields;
pub use nav::AccountNav;
pub use new_password_fields::{NewPasswordFields, check_new_password};
pub use protected::Protected;
pub use resend::ResendVerification;
pub use status::Status;
pub use submit::SubmitButton;
pub use verify_banner::VerifyBanner;
