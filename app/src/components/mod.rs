//! Building blocks shared by the pages.

mod field;
pub mod form;
mod form_alert;
mod nav;
mod protected;

pub use field::Field;
pub use form::{Checks, FormState};
pub use form_alert::FormAlert;
pub use nav::AccountNav;
pub use protected::Protected;
