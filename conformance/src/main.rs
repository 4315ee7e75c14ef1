//! `scim-conformance`: checks that a SCIM endpoint handles what Microsoft Entra ID sends.
//! See `scim-conformance --help` for the commands and exit codes.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    scim2_conformance::main_with(std::env::args()).await.into()
}
