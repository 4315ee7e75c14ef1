//! Reading a small file the user names (token, mapping, profile, schema) with a size cap that
//! holds for every kind of file: the bytes are counted as they are read, so a FIFO or a
//! device such as `/dev/zero`, whose metadata says 0 bytes, cannot make the read unbounded.

use std::io::Read;
use std::path::Path;

/// Why a capped read failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CappedReadError {
    /// The file could not be opened or read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The file holds more than the cap.
    #[error("larger than the {} limit", human(*.0))]
    TooLarge(u64),
    /// The file is not UTF-8 text.
    #[error("not UTF-8: {0}")]
    NotUtf8(#[from] std::string::FromUtf8Error),
}

/// The cap in KiB or MiB, as the messages print it.
fn human(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

/// The text of the file at `path`, refused when it holds more than `max` bytes.
pub(crate) fn read_capped(path: &Path, max: u64) -> Result<String, CappedReadError> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(CappedReadError::TooLarge(max));
    }
    Ok(String::from_utf8(bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_the_cap_is_refused_even_without_a_size() {
        let dir = std::env::temp_dir().join(format!("scim-capped-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let small = dir.join("small");
        std::fs::write(&small, "token\n").unwrap();
        assert_eq!(read_capped(&small, 6).unwrap(), "token\n");
        assert!(matches!(
            read_capped(&small, 5),
            Err(CappedReadError::TooLarge(5))
        ));
        // A device reports no size; the cap still stops the read.
        let zero = Path::new("/dev/zero");
        if zero.exists() {
            assert!(matches!(
                read_capped(zero, 1024),
                Err(CappedReadError::TooLarge(1024))
            ));
        }
        assert_eq!(
            read_capped(&small, 1024 * 1024)
                .map_err(|e| e.to_string())
                .ok()
                .as_deref(),
            Some("token\n")
        );
        assert_eq!(
            CappedReadError::TooLarge(1024 * 1024).to_string(),
            "larger than the 1 MiB limit"
        );
        assert_eq!(
            CappedReadError::TooLarge(64 * 1024).to_string(),
            "larger than the 64 KiB limit"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
