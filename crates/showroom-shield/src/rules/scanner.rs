//! Probes of vulnerability scanners: paths of software the shop does not run (WordPress,
//! phpMyAdmin, Spring actuators, CGI), dotfiles and backups that must never be served, and the
//! user agents of well-known scanning tools. A shop has none of these, so refusing them costs
//! nothing and keeps noise out of the logs and the database.

/// Path prefixes at the root, compared case-insensitively, matched at a segment boundary (the
/// next character is the end, `/`, `.`, `;` or `?`), so `/pma` does not catch `/pmarket`.
const ROOT_PREFIXES: &[&str] = &[
    "/.env",
    "/.git",
    "/.gitignore",
    "/.svn",
    "/.hg",
    "/.bzr",
    "/.aws",
    "/.ssh",
    "/.docker",
    "/.vscode",
    "/.idea",
    "/.ds_store",
    "/.htaccess",
    "/.htpasswd",
    "/wp-admin",
    "/wp-login.php",
    "/wp-content",
    "/wp-includes",
    "/wp-json",
    "/wordpress",
    "/xmlrpc.php",
    "/phpmyadmin",
    "/pma",
    "/myadmin",
    "/mysqladmin",
    "/adminer",
    "/cgi-bin",
    "/actuator",
    "/server-status",
    "/server-info",
    "/jmx-console",
    "/manager/html",
    "/solr",
    "/boaform",
    "/hnap1",
    "/vendor/phpunit",
    "/telescope",
    "/_profiler",
    "/owa",
    "/ecp",
    "/autodiscover",
    "/remote/login",
];

/// Segment names that are refused anywhere in a path (`/static/.git/config`).
const SECRET_SEGMENTS: &[&str] = &[
    ".env",
    ".git",
    ".svn",
    ".htaccess",
    ".htpasswd",
    ".aws",
    ".ssh",
    ".ds_store",
];

/// File endings of other stacks, backups and dumps. Showroom serves none of them.
const FOREIGN_SUFFIXES: &[&str] = &[
    ".php", ".php5", ".phtml", ".asp", ".aspx", ".jsp", ".jspx", ".cgi", ".pl", ".cfm", ".bak",
    ".old", ".orig", ".sql", ".swp", ".ini", ".env", ".log", "~",
];

/// Substrings of the `User-Agent` of scanning tools, lower case.
const SCANNER_AGENTS: &[&str] = &[
    "sqlmap",
    "nikto",
    "nmap",
    "masscan",
    "zgrab",
    "wpscan",
    "acunetix",
    "nessus",
    "dirbuster",
    "gobuster",
    "nuclei",
    "wfuzz",
    "ffuf",
    "openvas",
    "w3af",
    "havij",
    "zmeu",
    "jorgee",
    "netsparker",
    "appscan",
];

#[derive(Debug, Clone, Default)]
pub struct ScannerPaths {
    extra_prefixes: Vec<String>,
}

impl ScannerPaths {
    pub fn new(extra_prefixes: &[String]) -> Self {
        Self {
            extra_prefixes: extra_prefixes
                .iter()
                .map(|p| p.to_ascii_lowercase())
                .collect(),
        }
    }

    /// True when the decoded `path` is a scanner probe.
    pub fn is_probe(&self, path: &str) -> bool {
        let lower = path.to_ascii_lowercase();
        let prefixes = ROOT_PREFIXES
            .iter()
            .copied()
            .chain(self.extra_prefixes.iter().map(String::as_str));
        for prefix in prefixes {
            if let Some(rest) = lower.strip_prefix(prefix) {
                let boundary = rest.is_empty()
                    || prefix.ends_with('/')
                    || rest.starts_with(['/', '.', ';', '?']);
                if boundary {
                    return true;
                }
            }
        }
        let mut segments = lower.split('/').filter(|s| !s.is_empty()).peekable();
        while let Some(segment) = segments.next() {
            if SECRET_SEGMENTS.contains(&segment) {
                return true;
            }
            if segments.peek().is_none() {
                return FOREIGN_SUFFIXES.iter().any(|s| segment.ends_with(s));
            }
        }
        false
    }
}

/// True when the user agent names a scanning tool.
pub fn is_scanner_agent(user_agent: &str) -> bool {
    let lower = user_agent.to_ascii_lowercase();
    SCANNER_AGENTS.iter().any(|agent| lower.contains(agent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_probes_are_recognised() {
        let scanner = ScannerPaths::new(&["/secret-admin".to_owned()]);
        for path in [
            "/.env",
            "/.env.production",
            "/.git/config",
            "/WP-ADMIN/",
            "/wp-login.php",
            "/phpmyadmin/index.php",
            "/cgi-bin/test.cgi",
            "/actuator/health",
            "/static/.git/HEAD",
            "/index.php",
            "/backup.sql",
            "/api/v1/config.bak",
            "/secret-admin/x",
        ] {
            assert!(scanner.is_probe(path), "{path}");
        }
    }

    #[test]
    fn shop_paths_are_not_probes() {
        let scanner = ScannerPaths::new(&[]);
        for path in [
            "/",
            "/products/oak-chair",
            "/pmarket",
            "/api/v1/products/php-elephant-plush",
            "/assets/0123abcd/model.glb",
            "/api/openapi.json",
            "/.well-known/security.txt",
            "/healthz",
        ] {
            assert!(!scanner.is_probe(path), "{path}");
        }
    }

    #[test]
    fn scanner_agents_are_recognised_and_browsers_are_not() {
        assert!(is_scanner_agent("sqlmap/1.7.2#stable (https://sqlmap.org)"));
        assert!(is_scanner_agent("Mozilla/5.00 (Nikto/2.1.6)"));
        assert!(!is_scanner_agent(
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
        ));
    }
}
