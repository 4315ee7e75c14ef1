-- Resources (RFC 7643 §4.1 User, §4.2 Group) as JSON text, with the columns their lookups
-- and invariants need. Folded columns hold the text case-folded in Rust (each character's
-- Unicode lower case, final sigma as sigma), as scim2-filter compares caseExact=false text:
-- SQLite's lower() only folds ASCII.
CREATE TABLE scim_resources (
    -- Creation order: the stable order of unsorted queries.
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    -- 'User' or 'Group' (meta.resourceType).
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    -- userName, folded (users only).
    user_name TEXT,
    -- externalId as sent (caseExact, RFC 7643 §3.1).
    external_id TEXT,
    -- displayName, folded.
    display_name TEXT,
    -- meta.version.
    version TEXT,
    -- The whole resource, JSON.
    body TEXT NOT NULL
);
CREATE UNIQUE INDEX scim_resources_id ON scim_resources (kind, id);
-- Uniqueness (RFC 7643 §4.1.1 userName; groups by displayName), case-insensitive.
CREATE UNIQUE INDEX scim_resources_user_name ON scim_resources (kind, user_name);
CREATE UNIQUE INDEX scim_resources_group_name ON scim_resources (kind, display_name)
    WHERE kind = 'Group';
CREATE INDEX scim_resources_display_name ON scim_resources (kind, display_name);
CREATE INDEX scim_resources_external_id ON scim_resources (kind, external_id);

-- Group membership (the members[].value of each group), kept in the same transaction as the
-- group's body.
CREATE TABLE scim_group_members (
    group_id TEXT NOT NULL,
    -- members[].value as sent: a user's id (or a nested group's).
    member_id TEXT NOT NULL,
    -- member_id folded (members.value is caseExact=false in RFC 7643 §4.2).
    member_key TEXT NOT NULL,
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX scim_group_members_member ON scim_group_members (member_id);
CREATE INDEX scim_group_members_key ON scim_group_members (member_key);
