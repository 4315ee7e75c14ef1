//! The CLI's exit codes (documented in `--help` and the README).

/// Exit codes of `scim-conformance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// 0: every MUST check passed (skips never fail a run) and cleanup left nothing.
    Ok,
    /// 1: a MUST check failed, or cleanup left resources behind.
    MustFailed,
    /// 2: usage or configuration error (bad option, missing token, refused `http://` URL,
    /// invalid mapping file).
    Usage,
    /// 3: the endpoint could not be reached or refused the credentials (401/403).
    Unreachable,
    /// 130: interrupted by Ctrl-C (after cleanup).
    Interrupted,
}

impl ExitCode {
    /// The numeric code.
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Self::Ok => 0,
            Self::MustFailed => 1,
            Self::Usage => 2,
            Self::Unreachable => 3,
            Self::Interrupted => 130,
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(c: ExitCode) -> Self {
        Self::from(c.code())
    }
}
