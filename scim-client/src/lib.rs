//! scim2_client (work in progress; see the workspace README).
