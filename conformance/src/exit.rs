//! The CLI's exit codes (documented in `--help` and the README).

/// Exit codes of `scim-conformance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// 0: every selected MUST check ran and passed, and cleanup left nothing: the endpoint is
    /// ready as far as the selected checks go.
    Ok,
    /// 1: a MUST check failed, or cleanup left resources behind.
    MustFailed,
    /// 2: usage or configuration error (bad option, missing token, refused `http://` URL,
    /// invalid mapping file).
    Usage,
    /// 3: the endpoint could not be reached or refused the credentials (401/403).
    Unreachable,
    /// 4: no MUST check failed, but some selected MUST checks did not run (`--read-only`, a
    /// capability the endpoint does not advertise, a prerequisite that failed, the stateful
    /// budget): the run cannot say the endpoint is ready.
    Incomplete,
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
            Self::Incomplete => 4,
            Self::Interrupted => 130,
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(c: ExitCode) -> Self {
        Self::from(c.code())
    }
}
