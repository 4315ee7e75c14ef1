//! (in progress: owned by the patch/diff work)
