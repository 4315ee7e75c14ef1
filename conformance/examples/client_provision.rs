//! Provisioning a user and a group the way an identity provider does: find the user by
//! `userName`, create it when missing, create a group, add the user to it, deactivate the
//! user, then delete both.
//!
//! ```sh
//! cargo run -p scim2-conformance --example client_provision            # built-in reference endpoint
//! SCIM_URL=https://tenant.example.com/scim/v2 SCIM_TOKEN=… \
//!     cargo run -p scim2-conformance --example client_provision        # your endpoint (writes!)
//! ```

mod common;

use scim2_client::Projection;
use scim2_types::{Email, Group, Name, User};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, server) = common::connect().await?;
    let user_name = format!("example-{}@contoso.example", std::process::id());

    // Entra first asks whether the user exists (GET /Users?filter=userName eq "…").
    let user = match client.find_user_by_user_name(&user_name).await? {
        Some(user) => user,
        None => {
            let mut user = User::new(&user_name);
            user.external_id = Some("0f1c7e4e-example".into());
            user.display_name = Some("Ann Example".into());
            user.name = Some(Name {
                given_name: Some("Ann".into()),
                family_name: Some("Example".into()),
                ..Name::default()
            });
            user.emails = Some(vec![
                Email::new(&user_name).with_type("work").with_primary(true),
            ]);
            user.active = Some(true);
            client.create(&user).await?
        }
    };
    let user_id = user
        .id
        .clone()
        .ok_or("the endpoint returned a user without id")?;
    println!("user {user_name} has id {user_id}");

    let group = client
        .create(&Group::new(format!("example-group-{}", std::process::id())))
        .await?;
    let group_id = group
        .id
        .clone()
        .ok_or("the endpoint returned a group without id")?;
    client.add_members(&group_id, &[&user_id]).await?;
    let group: Group = client.get(&group_id, &Projection::all()).await?;
    let members = group.members.as_deref().unwrap_or_default().len();
    println!(
        "group {} has id {group_id} and {members} member(s)",
        group.display_name
    );

    // Deprovisioning: Entra deactivates (PATCH active=false) before it ever deletes.
    client.set_active(&user_id, false).await?;
    let user: User = client.get(&user_id, &Projection::all()).await?;
    println!("user active: {:?}", user.active);

    client.delete::<Group>(&group_id).await?;
    client.delete::<User>(&user_id).await?;
    println!("deleted the group and the user");
    if let Some(server) = server {
        server.shutdown().await;
    }
    Ok(())
}
