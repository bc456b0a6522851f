//! Reading the documents people write to configure carecoord (rule sets,
//! service directories) from files: one place decides the format by the
//! file's extension.

use std::path::Path;

/// The formats a document may be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// TOML (the default, and what people write by hand).
    Toml,
    /// JSON (what programs write), for a `.json` extension in any case.
    Json,
}

/// The text of the file at `path` and its format. On failure, only the kind
/// of I/O error: the path may name a person (a file named for a patient).
pub(crate) fn read(path: &Path) -> Result<(String, Format), std::io::ErrorKind> {
    let text = std::fs::read_to_string(path).map_err(|e| e.kind())?;
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    Ok((text, if json { Format::Json } else { Format::Toml }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_decides_the_format() {
        let dir = std::env::temp_dir().join(format!("carecoord-doc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, format) in [
            ("a.toml", Format::Toml),
            ("b.JSON", Format::Json),
            ("c", Format::Toml),
        ] {
            std::fs::write(dir.join(name), "x").unwrap();
            assert_eq!(read(&dir.join(name)), Ok(("x".to_owned(), format)));
        }
        assert_eq!(
            read(&dir.join("missing.toml")),
            Err(std::io::ErrorKind::NotFound)
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
