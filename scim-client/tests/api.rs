//! Builder and API properties that need no server.
#![allow(missing_docs, clippy::unwrap_used)]

use scim2_client::{Client, Error, Secret};

fn shareable<T: Clone + Send + Sync + 'static>() {}

#[test]
fn client_is_cheap_to_share() {
    shareable::<Client>();
    shareable::<Secret>();
}

#[test]
fn builder_validates_and_normalises() {
    let c = Client::builder("https://addon-tenant.example.com/SCIM/v2/")
        .bearer(Secret::from("t"))
        .build()
        .unwrap();
    assert_eq!(
        c.base_url().to_string(),
        "https://addon-tenant.example.com/SCIM/v2/"
    );
    let c = Client::builder("https://tenant.example.com/api/v2/scim")
        .build()
        .unwrap();
    assert_eq!(
        c.base_url().join("/Users").unwrap().as_str(),
        "https://tenant.example.com/api/v2/scim/Users"
    );
    let e = Client::builder("tenant.example.com/scim")
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::InvalidBaseUrl { .. }), "{e:?}");
    let e = Client::builder("http://h/scim")
        .user_agent("bad\nagent")
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    let e = Client::builder("http://h/scim")
        .bearer(Secret::from("line\nbreak"))
        .build()
        .unwrap_err();
    assert!(!e.to_string().contains("line"), "{e}");
}
