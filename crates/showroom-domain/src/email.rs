//! Email addresses of customers and staff.
//!
//! [`Email::parse`] trims the input and accepts a sane subset of RFC 5321/5322: one `@`, a local
//! part of 1–64 bytes of letters, digits and `!#$%&'*+/=?^_`{|}~.-` (non-ASCII letters allowed,
//! RFC 6531), dots never leading, trailing or doubled; a domain of at least two dot-separated labels
//! of letters, digits and inner hyphens (1–63 bytes each) whose last label is not all digits; 254
//! bytes in all. Quoted local parts, comments and IP-literal domains are refused: real shoppers do
//! not use them and they are a favourite of injection attempts.
//!
//! Case: the domain is case-insensitive by standard; the local part is case-sensitive by
//! standard but not at any mail provider a shop will meet. So the **whole address is lowercased**
//! into [`Email::normalized`], which is what equality, hashing and account uniqueness use
//! (`Bob@Example.com` and `bob@example.com` are one account). The trimmed address as typed is kept
//! in [`Email::as_typed`] for display and for sending mail, so nobody's mail is rewritten.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// Longest address in bytes (RFC 5321 forward-path minus the angle brackets).
pub const MAX_EMAIL_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;
const MAX_LABEL_LEN: usize = 63;

/// A syntactically sane email address; equal to another when their lowercased forms are equal.
#[derive(Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email {
    typed: String,
    normalized: String,
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let typed = raw.trim();
        if typed.is_empty() {
            return Err(DomainError::new("enter an email address"));
        }
        if typed.len() > MAX_EMAIL_LEN {
            return Err(too_long());
        }
        // Checks run on the lowercased form, the one that is stored and compared, so that what
        // was accepted once is accepted again (a few letters grow or change class when lowercased).
        let normalized = typed.to_lowercase();
        if normalized.len() > MAX_EMAIL_LEN {
            return Err(too_long());
        }
        let (local, domain) = match normalized.split_once('@') {
            Some((local, domain)) if !domain.contains('@') => (local, domain),
            _ => {
                return Err(DomainError::new(
                    "an email address has exactly one `@`, like `name@example.com`",
                ))
            }
        };
        check_local_part(local)?;
        check_domain(domain)?;
        Ok(Self {
            typed: typed.to_owned(),
            normalized,
        })
    }

    /// The lowercased address: the key for uniqueness and look-ups.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// The trimmed address as the person typed it: for display and for sending mail.
    pub fn as_typed(&self) -> &str {
        &self.typed
    }

    /// The lowercased part before the `@`.
    pub fn local_part(&self) -> &str {
        self.normalized
            .split_once('@')
            .map_or("", |(local, _)| local)
    }

    /// The lowercased part after the `@`.
    pub fn domain(&self) -> &str {
        self.normalized
            .split_once('@')
            .map_or("", |(_, domain)| domain)
    }
}

fn too_long() -> DomainError {
    DomainError::new(format!(
        "an email address has at most {MAX_EMAIL_LEN} characters"
    ))
}

fn check_local_part(local: &str) -> Result<(), DomainError> {
    if local.is_empty() || local.len() > MAX_LOCAL_LEN {
        return Err(DomainError::new(format!(
            "the part before the `@` has 1 to {MAX_LOCAL_LEN} characters"
        )));
    }
    let allowed = |c: char| {
        c.is_ascii_alphanumeric()
            || "!#$%&'*+/=?^_`{|}~.-".contains(c)
            || (!c.is_ascii() && c.is_alphanumeric())
    };
    if !local.chars().all(allowed) {
        return Err(DomainError::new(
            "the part before the `@` may hold letters, digits and `.`, `_`, `-`, `+`, but no spaces or quotes",
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(DomainError::new(
            "the part before the `@` cannot start or end with a dot or have two dots in a row",
        ));
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), DomainError> {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= MAX_LABEL_LEN
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()));
    if labels.len() < 2 || !labels.iter().all(label_ok) || !tld_ok {
        return Err(DomainError::new(format!(
            "`{domain}` is not a valid email domain; it looks like `example.com`"
        )));
    }
    Ok(())
}

impl PartialEq for Email {
    fn eq(&self, other: &Self) -> bool {
        self.normalized == other.normalized
    }
}

impl Eq for Email {}

impl Hash for Email {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.normalized.hash(state);
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Email").field(&self.typed).finish()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.typed)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.typed
    }
}

parsed_from_string!(Email);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trims_and_normalizes_the_whole_address_to_lowercase() {
        let email = Email::parse("  Bob.Smith+shop@Example.COM ").unwrap();
        assert_eq!(email.normalized(), "bob.smith+shop@example.com");
        assert_eq!(email.as_typed(), "Bob.Smith+shop@Example.COM");
        assert_eq!(email.local_part(), "bob.smith+shop");
        assert_eq!(email.domain(), "example.com");
        assert_eq!(email, Email::parse("bob.smith+shop@example.com").unwrap());
    }

    #[test]
    fn accepts_international_addresses() {
        assert!(Email::parse("jürgen@müller.de").is_ok());
        assert!(Email::parse("a@xn--mller-kva.de").is_ok());
    }

    #[test]
    fn refuses_malformed_addresses() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        let too_long = format!("a@{}.com", "b.".repeat(130));
        for bad in [
            "",
            "   ",
            "plain",
            "@example.com",
            "bob@",
            "bob@@example.com",
            "a@b@example.com",
            "bob smith@example.com",
            "\"bob\"@example.com",
            ".bob@example.com",
            "bob.@example.com",
            "bo..b@example.com",
            "bob@localhost",
            "bob@example..com",
            "bob@-example.com",
            "bob@example-.com",
            "bob@[127.0.0.1]",
            "bob@127.0.0.1",
            "bob@exa_mple.com",
            "bob\n@example.com",
            &long_local,
            &too_long,
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn serde_keeps_the_typed_form_and_refuses_bad_input() {
        let email: Email = serde_json::from_str("\"Ann@Example.com\"").unwrap();
        assert_eq!(
            serde_json::to_string(&email).unwrap(),
            "\"Ann@Example.com\""
        );
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
    }

    proptest! {
        #[test]
        fn parsing_is_bounded_and_idempotent(raw in "\\PC{0,300}") {
            if let Ok(email) = Email::parse(&raw) {
                prop_assert!(email.as_typed().len() <= MAX_EMAIL_LEN);
                let again = Email::parse(email.normalized()).unwrap();
                prop_assert_eq!(again.normalized(), email.normalized());
            }
        }

        #[test]
        fn well_formed_addresses_are_accepted_case_insensitively(
            local in "[A-Za-z0-9_+-]{1,20}(\\.[A-Za-z0-9_+-]{1,10}){0,2}",
            domain in "[A-Za-z0-9]{1,20}(-[A-Za-z0-9]{1,5})?\\.[A-Za-z]{2,10}",
        ) {
            let raw = format!("{local}@{domain}");
            let email = Email::parse(&raw).unwrap();
            prop_assert_eq!(email.clone(), Email::parse(&raw.to_uppercase()).unwrap());
            prop_assert_eq!(email.normalized(), raw.to_lowercase());
        }
    }
}
