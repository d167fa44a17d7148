//! DRF's `PageNumberPagination` as the admin lists use it: `page` from 1, `page_size` up to a
//! maximum, and a page past the last refused (DRF answers 404 "Invalid page.").

use super::error::AdminError;
use crate::auth::fields;

/// The page size when none (or an unreadable one) is asked for.
pub const DEFAULT_PAGE_SIZE: i64 = 20;
/// The largest page size served (DRF's `max_page_size`).
pub const MAX_PAGE_SIZE: i64 = 100;

/// Which page is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub page_size: i64,
}

/// One page of a list and where it sits among the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub count: i64,
    pub paging: Paging,
    pub items: Vec<T>,
}

impl Paging {
    /// Reads the query's `page` and `page_size`. A `page` that is not a whole number from 1
    /// is an invalid page (DRF's 404); a `page_size` outside 1 to `MAX_PAGE_SIZE` is a field
    /// error, where DRF would quietly serve another size: the OpenAPI document states the
    /// range, and a generated client should learn of a wrong one rather than get fewer rows.
    pub fn parse(page: Option<&str>, page_size: Option<&str>) -> Result<Self, AdminError> {
        let page = match page.map(str::trim) {
            None | Some("") => 1,
            Some(raw) => raw
                .parse::<i64>()
                .ok()
                .filter(|page| *page >= 1)
                .ok_or(AdminError::InvalidPage)?,
        };
        let page_size = match page_size.map(str::trim) {
            None | Some("") => DEFAULT_PAGE_SIZE,
            Some(raw) => raw
                .parse::<i64>()
                .ok()
                .filter(|size| (1..=MAX_PAGE_SIZE).contains(size))
                .ok_or_else(|| {
                    AdminError::Invalid(fields::one(
                        "page_size",
                        format!("Enter a whole number from 1 to {MAX_PAGE_SIZE}."),
                    ))
                })?,
        };
        Ok(Self { page, page_size })
    }

    /// How many rows come before this page.
    pub fn offset(self) -> i64 {
        (self.page - 1).saturating_mul(self.page_size)
    }

    /// The page of `items` out of `count` rows; past the last page (page 1 of nothing is
    /// fine) is an invalid page.
    pub fn page<T>(self, count: i64, items: Vec<T>) -> Result<Page<T>, AdminError> {
        if self.page > 1 && self.offset() >= count {
            return Err(AdminError::InvalidPage);
        }
        Ok(Page {
            count,
            paging: self,
            items,
        })
    }
}

impl<T> Page<T> {
    pub fn has_next(&self) -> bool {
        self.paging.offset() + (self.items.len() as i64) < self.count
    }

    pub fn has_previous(&self) -> bool {
        self.paging.page > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_read_as_drf_reads_them() {
        assert_eq!(
            Paging::parse(None, None).unwrap(),
            Paging {
                page: 1,
                page_size: DEFAULT_PAGE_SIZE
            }
        );
        assert_eq!(Paging::parse(Some("3"), Some("5")).unwrap().offset(), 10);
        assert_eq!(
            Paging::parse(None, Some("100")).unwrap().page_size,
            MAX_PAGE_SIZE
        );
        for bad in ["101", "x", "0", "-5"] {
            assert!(matches!(
                Paging::parse(None, Some(bad)),
                Err(AdminError::Invalid(_))
            ));
        }
        for bad in ["0", "-1", "x", "1.5"] {
            assert!(matches!(
                Paging::parse(Some(bad), None),
                Err(AdminError::InvalidPage)
            ));
        }
    }

    #[test]
    fn a_page_past_the_last_is_invalid_but_an_empty_first_page_is_not() {
        let paging = |page| Paging {
            page,
            page_size: 10,
        };
        assert!(paging(1).page(0, Vec::<()>::new()).is_ok());
        assert!(matches!(
            paging(2).page(10, Vec::<()>::new()),
            Err(AdminError::InvalidPage)
        ));
        let page = paging(2).page(25, vec![(); 10]).unwrap();
        assert!(page.has_next() && page.has_previous());
        let last = paging(3).page(25, vec![(); 5]).unwrap();
        assert!(!last.has_next());
    }
}
