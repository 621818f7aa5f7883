//! Path traversal and local-file inclusion: `..` segments (with `/` or `\`, and the `..;/`
//! trick some servers fall for) and the names of files that only an attacker asks a shop for.
//! Both checks take text that [`crate::decode::decode`] has already decoded, so every encoded
//! form is caught by the same plain test.

/// True when `decoded` walks up a directory.
pub fn walks_up(decoded: &str) -> bool {
    if !decoded.contains("..") {
        return false;
    }
    let text = decoded.replace('\\', "/");
    text == ".." || text.contains("../") || text.ends_with("/..") || text.contains("..;/")
}

/// Files that are read by path-traversal and inclusion attacks, never by shoppers.
const SENSITIVE_FILES: &[&str] = &[
    "etc/passwd",
    "etc/shadow",
    "etc/hosts",
    "proc/self/",
    "win.ini",
    "boot.ini",
    "windows/system32",
    "web-inf/web.xml",
];

/// True when `decoded` names a system file (compared case-insensitively).
pub fn names_system_file(decoded: &str) -> bool {
    // Cheap test first: this runs on every query value.
    let suspicious = [
        "passwd", "shadow", "hosts", "proc", ".ini", "system32", "web.xml",
    ];
    let lower = decoded.to_ascii_lowercase();
    if !suspicious.iter().any(|word| lower.contains(word)) {
        return false;
    }
    let lower = lower.replace('\\', "/");
    SENSITIVE_FILES.iter().any(|file| lower.contains(file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode;

    fn hit(raw: &str) -> bool {
        let decoded = decode(raw, true);
        walks_up(&decoded) || names_system_file(&decoded)
    }

    #[test]
    fn plain_and_encoded_traversal_is_caught() {
        for raw in [
            "/../../etc/passwd",
            "/assets/%2e%2e/%2e%2e/secret",
            "/assets/%2e%2e%2fconfig",
            "/%252e%252e%252fetc",
            "/assets/..%5c..%5cwindows",
            "/%c0%ae%c0%ae/x",
            "....//....//x",
            "/x/..;/admin",
            "..",
            "/a/..",
            "file=C:\\Windows\\win.ini",
            "/proc/self/environ",
        ] {
            assert!(hit(raw), "{raw}");
        }
    }

    #[test]
    fn dots_that_do_not_climb_pass() {
        for raw in [
            "/api/v1/products/oak-chair",
            "/api/openapi.json",
            "q=wait...",
            "q=v1.2..3",
            "/assets/abc/model.v2.glb",
            "q=the etcetera shelf",
        ] {
            assert!(!hit(raw), "{raw}");
        }
    }
}
