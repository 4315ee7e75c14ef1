//! Where the examples send their requests: the endpoint in `SCIM_URL` (bearer token in
//! `SCIM_TOKEN`), or, when `SCIM_URL` is unset, the built-in reference endpoint of
//! scim2-conformance, started in process on 127.0.0.1.

use scim2_client::{Client, Secret};
use scim2_conformance::reference::{ReferenceConfig, ReferenceServer};

/// A client for the chosen endpoint, and the reference endpoint when it was started (shut it
/// down at the end).
pub async fn connect() -> Result<(Client, Option<ReferenceServer>), Box<dyn std::error::Error>> {
    if let Ok(url) = std::env::var("SCIM_URL") {
        let client = Client::builder(url)
            .bearer(Secret::from_env("SCIM_TOKEN")?)
            .build()?;
        return Ok((client, None));
    }
    let server = ReferenceServer::start(ReferenceConfig::default()).await?;
    eprintln!(
        "SCIM_URL is not set: using the built-in reference endpoint at {}",
        server.base_url()
    );
    let client = Client::builder(server.base_url()).build()?;
    Ok((client, Some(server)))
}
