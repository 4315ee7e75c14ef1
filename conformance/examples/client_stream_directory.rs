//! Reading a large directory page by page with a stream: one page in memory at a time, each
//! next `startIndex` computed from what the endpoint really returned, a loop detected when an
//! endpoint ignores `startIndex`.
//!
//! ```sh
//! cargo run -p scim2-conformance --example client_stream_directory     # 5,000 users, built-in endpoint
//! SCIM_URL=https://tenant.example.com/scim/v2 SCIM_TOKEN=… \
//!     cargo run -p scim2-conformance --example client_stream_directory # your endpoint (read-only)
//! ```

mod common;

use std::time::Instant;

use futures::TryStreamExt;
use scim2_client::Query;
use scim2_conformance::reference::Seed;
use scim2_types::User;
use serde_json::json;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, server) = common::connect().await?;
    if let Some(server) = &server {
        // Preload the built-in endpoint with a directory worth streaming.
        let users = (0..5_000)
            .map(|i| json!({"userName": format!("user{i:05}@contoso.example"), "active": i % 7 != 0}))
            .collect();
        server.seed(Seed {
            users,
            ..Seed::default()
        })?;
    }

    let started = Instant::now();
    let mut users = std::pin::pin!(client.stream::<User>(Query::new().count(200)));
    let (mut total, mut inactive) = (0usize, 0usize);
    while let Some(user) = users.try_next().await? {
        total += 1;
        if user.active == Some(false) {
            inactive += 1;
        }
    }
    println!(
        "{total} users ({inactive} inactive) streamed in {:.1?}",
        started.elapsed()
    );
    if let Some(server) = server {
        server.shutdown().await;
    }
    Ok(())
}
