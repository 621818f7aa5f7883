//! Every block is logged (rule id, client IP, path) and counted in
//! `showroom_shield_blocks_total{rule}`; a match of a rule in `log` mode is logged and counted
//! in `showroom_shield_matches_total{rule}` instead. Paths are cut to a bounded length so a giant
//! URL cannot flood the logs, and the rule label takes a fixed set of values.

use std::net::IpAddr;

const MAX_LOGGED_PATH: usize = 200;

pub fn blocked(rule: &'static str, client: IpAddr, path: &str) {
    metrics::counter!("showroom_shield_blocks_total", "rule" => rule).increment(1);
    tracing::info!(rule, client_ip = %client, path = bounded(path), "shield: request blocked");
}

pub fn matched_log_only(rule: &'static str, client: IpAddr, path: &str) {
    metrics::counter!("showroom_shield_matches_total", "rule" => rule).increment(1);
    tracing::info!(rule, client_ip = %client, path = bounded(path), "shield: rule matched (log mode, not blocked)");
}

fn bounded(path: &str) -> &str {
    if path.len() <= MAX_LOGGED_PATH {
        return path;
    }
    let mut end = MAX_LOGGED_PATH;
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    &path[..end]
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_paths_are_cut_on_a_character_boundary() {
        let path = "é".repeat(300);
        let cut = super::bounded(&path);
        assert!(cut.len() <= super::MAX_LOGGED_PATH && cut.chars().all(|c| c == 'é'));
        assert_eq!(super::bounded("/short"), "/short");
    }
}
