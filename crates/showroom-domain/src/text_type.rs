//! The conversions every parsed text type repeats, written once. A type kept as text
//! (`#[serde(try_from = "String", into = "String")]`) comes from a `String` only through its own
//! `parse`, so serde cannot make a bad value; one shown as text displays its `as_str()`.
//!
//! Small `macro_rules!` rather than a derive: they only forward to methods each type writes
//! itself, so the rules stay in plain code next to the type.

/// `TryFrom<String>` through the type's `parse`, and `From<Type> for String` giving back its
/// inner `String` (the tuple field `.0`).
macro_rules! string_conversions {
    ($($ty:ident),+ $(,)?) => {$(
        parsed_from_string!($ty);

        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                value.0
            }
        }
    )+};
}

/// `TryFrom<String>` through the type's `parse`.
macro_rules! parsed_from_string {
    ($($ty:ident),+ $(,)?) => {$(
        impl TryFrom<String> for $ty {
            type Error = $crate::DomainError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
    )+};
}

/// `Display` as the type's `as_str()`.
macro_rules! display_as_str {
    ($($ty:ident),+ $(,)?) => {$(
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )+};
}
