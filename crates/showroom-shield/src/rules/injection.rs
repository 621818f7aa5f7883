//! SQL-injection and cross-site-scripting signatures, in the spirit of the OWASP core rule set
//! and the managed rule groups of cloud WAFs, tuned for a shop's query strings.
//!
//! The signatures look for *structure* — a quote followed by a boolean tautology, `UNION SELECT`,
//! a statement after `;`, timing functions, tags and event handlers — never for single words or
//! characters, so `q=children's chair`, `q=50% off`, `q=oak & walnut`, `q=select oak chairs`,
//! `q=<3 cushions` and long hex cursors pass. Text is matched after decoding (see
//! [`crate::decode`]) and with SQL comments (`/**/`) turned into spaces, so `UNION/**/SELECT`
//! is caught as well.

use regex::RegexSet;

const SQLI: &[&str] = &[
    // ' or '1'='1   " or ""="   ' or 1=1   ' and x like '
    r#"(?i)['"`]\s*\)*\s*(?:or|and|xor|\|\||&&)\s+\(*['"`]?[\w-]*['"`]?\s*(?:=|<>|!=|<=?|>=?|\blike\b|\bis\b|\bin\b|\bbetween\b)"#,
    r#"(?i)['"`]\s*\)*\s*(?:or|and)\s+(?:true|false|not\b|null\b)"#,
    // admin'--   ' #   '; ...   ')/*
    r#"(?i)['"`]\s*\)*\s*(?:--|#|/\*|;)"#,
    r"(?i)\bunion\b[\s(]+(?:all\s+|distinct\s+)?\(*\s*select\b",
    r"(?i);\s*(?:drop\s+(?:table|database|schema)|delete\s+from|insert\s+into|update\s+\w+\s+set|alter\s+table|truncate\s+table|create\s+(?:table|user|database)|exec(?:ute)?\b|shutdown\b|declare\s+@|select\b)",
    r"(?i)\b(?:sleep|benchmark|pg_sleep)\s*\(\s*\d",
    r#"(?i)\bwaitfor\s+(?:delay|time)\s+['"]"#,
    r"(?i)\b(?:load_file|extractvalue|updatexml|xp_cmdshell|sp_executesql|sys_eval|dbms_pipe\.receive_message|utl_inaddr\.get_host_name)\s*\(",
    r"(?i)@@(?:version|datadir|hostname|basedir)\b|\binformation_schema\b|\bpg_catalog\b|\bsqlite_master\b|\bmysql\.user\b|\bsys\.(?:tables|objects|user_tables)\b",
    r"(?i)\binto\s+(?:out|dump)file\b",
    r"(?i)\b(?:or|and)\s+\(*\d+\s*(?:=|<|>)\s*\d+\b",
    r"(?i)\(\s*select\b.{0,200}\bfrom\b",
    r"(?i)\bselect\b.{0,200}\bfrom\b.{0,200}\bwhere\b",
    r"(?i)\bchar\s*\(\s*\d+\s*(?:,\s*\d+\s*)+\)",
    r"(?i)\border\s+by\s+\d+\s*(?:--|#|/\*)",
];

const XSS: &[&str] = &[
    r"(?i)<\s*/?\s*(?:script|iframe|frame|frameset|object|embed|applet|svg|math|meta|link|style|base|form|img|image|body|html|video|audio|source|details|marquee|isindex|input|button|textarea|template|xss|select|keygen|dialog)\b",
    r"(?i)<[^>]*[\s/]on[a-z]{3,}\s*=",
    r#"(?i)['"`][\s/]*on[a-z]{3,}\s*="#,
    r"(?i)\b(?:j\s*a\s*v\s*a|v\s*b|l\s*i\s*v\s*e)\s*s\s*c\s*r\s*i\s*p\s*t\s*:",
    r"(?i)\bdata\s*:\s*(?:text/html|image/svg\+xml|application/(?:x-)?javascript)",
    r"(?i)\bdocument\s*\.\s*(?:cookie|write|location|domain)\b|\bwindow\s*\.\s*location\b",
    r"(?i)\b(?:alert|prompt|confirm|eval)\s*(?:\(|`)",
    r"(?i)\bstring\s*\.\s*fromcharcode\b|\bexpression\s*\(|\bsrcdoc\s*=|\bformaction\s*=",
    r"(?i)&#x?0*(?:60|3c);?\s*/?\s*[a-z]",
];

/// Both signature sets, compiled once.
#[derive(Debug, Clone)]
pub struct Signatures {
    sqli: RegexSet,
    xss: RegexSet,
}

/// What a piece of text looks like.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Findings {
    pub sqli: bool,
    pub xss: bool,
}

impl Signatures {
    pub fn new() -> Self {
        Self {
            sqli: RegexSet::new(SQLI).expect("the SQL-injection signatures compile"),
            xss: RegexSet::new(XSS).expect("the XSS signatures compile"),
        }
    }

    /// Matches already-decoded text.
    pub fn scan(&self, decoded: &str) -> Findings {
        if crate::decode::is_plain(decoded) {
            return Findings::default();
        }
        let text = strip_sql_comments(decoded);
        Findings {
            sqli: self.sqli.is_match(&text),
            xss: self.xss.is_match(&text),
        }
    }
}

impl Default for Signatures {
    fn default() -> Self {
        Self::new()
    }
}

/// `UNION/**/SELECT` → `UNION SELECT`; MySQL's `/*!50000SELECT*/` keeps its content.
fn strip_sql_comments(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("/*") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        out.push(' ');
        let after = &rest[start + 2..];
        match after.find("*/") {
            Some(end) => {
                let inner = &after[..end];
                if let Some(versioned) = inner.strip_prefix('!') {
                    out.push_str(versioned.trim_start_matches(|c: char| c.is_ascii_digit()));
                    out.push(' ');
                }
                rest = &after[end + 2..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode;

    fn scan(raw: &str) -> Findings {
        Signatures::new().scan(&decode(raw, true))
    }

    /// Asserts that `flagged` holds for what the scan finds in each of `raws`.
    fn assert_each_flagged(raws: &[&str], flagged: fn(&Findings) -> bool) {
        for raw in raws {
            assert!(flagged(&scan(raw)), "{raw}");
        }
    }

    #[test]
    fn sql_injection_payloads_are_recognised() {
        assert_each_flagged(
            &[
                "1' or '1'='1",
                "x\" or \"\"=\"",
                "1' OR 1=1--",
                "admin'--",
                "admin' #",
                "1) or (1=1",
                "' or true--",
                "1 UNION SELECT username, password FROM users",
                "1+union+all+select+null,null",
                "1 UnIoN/**/SeLeCt 1,2",
                "1/*!50000union*/ /*!50000select*/ 1",
                "1; DROP TABLE products",
                "1;delete from orders",
                "1 and sleep(5)",
                "1' and benchmark(1000000,md5(1))#",
                "'; waitfor delay '0:0:5'--",
                "1 and extractvalue(1,concat(0x7e,version()))",
                "select @@version",
                "1 and 1=1",
                "(select password from users)",
                "char(115,101,108)",
                "1 order by 3--",
                "%27%20or%20%271%27%3D%271",
                "%2527%2520or%25201%253D1",
            ],
            |found| found.sqli,
        );
    }

    #[test]
    fn xss_payloads_are_recognised() {
        assert_each_flagged(
            &[
                "<script>alert(1)</script>",
                "%3Cscript%3Ealert(1)%3C/script%3E",
                "%253Cscript%253E",
                "<img src=x onerror=alert(1)>",
                "<svg/onload=alert(1)>",
                "\" onmouseover=\"alert(1)",
                "javascript:alert(document.cookie)",
                "java\tscript:x",
                "<iframe src=//evil>",
                "data:text/html;base64,PHNjcmlwdD4=",
                "</title><body onload=x>",
                "&#60;script&#62;",
                "prompt`1`",
                "<a href=x style=x:expression(alert(1))>",
            ],
            |found| found.xss,
        );
    }

    #[test]
    fn shoppers_searches_and_cursors_pass() {
        for raw in [
            "oak chair",
            "oak+chair",
            "50% off",
            "50%25+off",
            "children's chair",
            "O'Reilly and sons",
            "rock 'n' roll lamp",
            "oak & walnut",
            "select oak chairs",
            "chairs from denmark",
            "<3 cushions",
            "2 or 3 seats",
            "size 10 or more",
            "the \"classic\" sofa",
            "sleep well mattress",
            "on sale=true",
            "union jack cushion",
            "drop-leaf table",
            "email=me@example.com",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "eyJpZCI6IjAxOTBhYmMiLCJzb3J0IjoibmV3ZXN0In0=",
            "price_min=100&price_max=5000",
            "Color:Forest Green",
            "scripted lamp",
            "description with an apostrophe: it's great -- really",
        ] {
            assert_eq!(scan(raw), Findings::default(), "{raw}");
        }
    }
}
