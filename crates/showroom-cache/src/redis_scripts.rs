//! The Lua scripts of the Redis backend.
//!
//! Each namespace has a version counter at `<prefix>ver:<ns>`; its entries live at
//! `<prefix><ns>:<version>:<key>` with a time to live. Reading the version and the entry in one
//! script costs one round trip and cannot interleave with an invalidation.
//!
//! A missing counter is seeded from the Redis clock in microseconds rather than from zero. The
//! counter has no time to live, but under an `allkeys-*` eviction policy Redis may still evict
//! it; restarting at zero could then make entries of an old version readable again, whereas a
//! clock seed is larger than any version reached before (that would need more than a million
//! invalidations per second). Calling `TIME` before writing needs Redis 5 or newer.

use std::sync::LazyLock;

use redis::Script;

/// `current_version(version_key)`: the namespace's version, seeding it when missing.
const CURRENT_VERSION: &str = r"
local function current_version(version_key)
  local version = redis.call('GET', version_key)
  if not version then
    local now = redis.call('TIME')
    version = now[1] .. string.format('%06d', tonumber(now[2]))
    redis.call('SET', version_key, version)
  end
  return version
end
";

/// KEYS: version key. ARGV: entry prefix `<prefix><ns>:`, key.
/// Returns `{version, value or nil}`.
pub(crate) static GET: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
local version = current_version(KEYS[1])
return {version, redis.call('GET', ARGV[1] .. version .. ':' .. ARGV[2])}
",
    )
});

/// KEYS: version key. ARGV: entry prefix, key, value, time to live in milliseconds.
/// Stores under the current version and returns it.
pub(crate) static PUT: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
local version = current_version(KEYS[1])
redis.call('SET', ARGV[1] .. version .. ':' .. ARGV[2], ARGV[3], 'PX', ARGV[4])
return version
",
    )
});

/// KEYS: version key. ARGV: invalidation channel, namespace.
/// Advances the version and announces the namespace on the channel, for any instance that
/// keeps a local copy; the versioned keys alone already make the old entries unreachable.
pub(crate) static INVALIDATE: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
current_version(KEYS[1])
local version = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return version
",
    )
});

fn script(body: &str) -> Script {
    Script::new(&format!("{CURRENT_VERSION}{body}"))
}
