//! Building blocks shared by the pages.

mod field;
mod form_alert;

pub use field::Field;
pub use form_alert::FormAlert;
