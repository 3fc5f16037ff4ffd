//! The browser assets (CSS, JS, the icon), embedded in the binary: no CDN, no external fonts.

/// The URL prefix the server mounts [`asset`] under (`/assets/app.css`).
pub const ASSET_PREFIX: &str = "/assets/";

const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/app.css"),
    ),
    (
        "grammar.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/grammar.js"),
    ),
    (
        "lifecycle.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/lifecycle.js"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/app.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../assets/favicon.svg"),
    ),
];

/// An embedded asset by its path below [`ASSET_PREFIX`] (`app.css`; a leading `/assets/` or `/`
/// is accepted): its content type and bytes, or `None`. Only the fixed names are served, so no
/// path from a request ever reaches the file system.
pub fn asset(path: &str) -> Option<(&'static str, &'static [u8])> {
    let name = path
        .strip_prefix(ASSET_PREFIX)
        .or_else(|| path.strip_prefix('/'))
        .unwrap_or(path);
    ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, ct, bytes)| (*ct, *bytes))
}

/// The names of all embedded assets.
pub fn asset_paths() -> impl Iterator<Item = &'static str> {
    ASSETS.iter().map(|(n, _, _)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_known_assets_only() {
        let (ct, css) = asset("/assets/app.css").unwrap();
        assert!(ct.starts_with("text/css"));
        assert!(!css.is_empty());
        assert!(asset("app.js").is_some());
        assert!(asset("/assets/../Cargo.toml").is_none());
        assert!(asset("/etc/passwd").is_none());
        assert_eq!(asset_paths().count(), 5);
        assert!(asset("lifecycle.js").is_some());
    }
}
