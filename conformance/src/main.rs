//! `scim-conformance`: checks that a SCIM endpoint handles what Microsoft Entra ID sends.

fn main() {
    eprintln!("scim-conformance: the conformance runner is not built yet");
}
