//! The built-in reference endpoint (in progress).
