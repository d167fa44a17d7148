//! Building blocks shared by the pages.

mod field;
pub mod form;
mod form_alert;
mod name_fields;
mod nav;
mod protected;

pub use field::Field;
pub use form::{Checks, FormState};
pub use form_alert::FormAlert;
pub use name_fields::NameFields;
pub use nav::AccountNav;
pub use protected::Protected;
