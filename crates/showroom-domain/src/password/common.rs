//! The most common leaked passwords that are long enough to pass the length rule, from public
//! breach-corpus top lists (SecLists, NCSC "100k most common"). Shorter entries of those lists are
//! already refused by the length rule, and pure digit strings and straight runs by the pattern
//! rules, so they are not repeated here. Entries are lowercase; the check is case-insensitive.

const COMMON: &[&str] = &[
    "1q2w3e4r5t",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "1qaz2wsx3edc4rfv",
    "a1b2c3d4e5",
    "aa12345678",
    "abc1234567",
    "abcd123456",
    "administrator",
    "asdfghjkl1",
    "asdfghjkl;",
    "basketball",
    "baseball123",
    "changeme123",
    "charlie123",
    "football123",
    "iloveyou12",
    "iloveyou123",
    "letmein123",
    "liverpool1",
    "michael123",
    "monkey1234",
    "password01",
    "password1!",
    "password12",
    "password123",
    "password1234",
    "password12345",
    "passw0rd123",
    "p@ssw0rd123",
    "p@ssword123",
    "princess123",
    "q1w2e3r4t5",
    "q1w2e3r4t5y6",
    "qazwsxedc123",
    "qazwsxedcrfv",
    "qwerty1234",
    "qwerty12345",
    "qwerty123456",
    "qwertyuiop",
    "qwertyuiop123",
    "showroom123",
    "sunshine123",
    "superman123",
    "trustno1234",
    "welcome123",
    "welcome1234",
    "zaq12wsxcde3",
    "zxcvbnm123",
    "zxcvbnm1234",
    "zxcvbnmasdfghjkl",
];

/// True when `lowercase` is on the list; the caller lowercases.
pub(super) fn is_common(lowercase: &str) -> bool {
    COMMON.contains(&lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_lowercase_and_long_enough_to_matter() {
        for entry in COMMON {
            assert_eq!(*entry, entry.to_lowercase());
            assert!(
                entry.chars().count() >= 10,
                "{entry} is refused by length already"
            );
        }
    }
}
