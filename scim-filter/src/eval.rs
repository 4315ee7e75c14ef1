//! (in progress: owned by the parse/eval work)
