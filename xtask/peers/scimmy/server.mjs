// scim-rs interop peer: SCIMMY (SCIM protocol: schemas, filters, PATCH, list responses) served by
// scimmy-routers (Express routes, discovery endpoints, auth hook). Only the storage is written
// here: two in-memory maps. Started by `cargo xtask peers start scimmy`.
// Environment: PORT, SCIM_TOKEN (required bearer token; empty = open).
// Base URL: http://127.0.0.1:PORT/scim/v2
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";
import {randomUUID} from "node:crypto";

const port = Number(process.env.PORT || 8085);
const token = process.env.SCIM_TOKEN || "";
const users = new Map();
const groups = new Map();

const notFound = (id) => new SCIMMY.Types.Error(404, null, `Resource ${id} not found`);

function save(map, uniqueAttr, resource, instance) {
    const key = String(instance[uniqueAttr] ?? "").toLowerCase();
    for (const [id, other] of map) {
        if (id !== resource.id && String(other[uniqueAttr] ?? "").toLowerCase() === key) {
            throw new SCIMMY.Types.Error(409, "uniqueness", `${uniqueAttr} is already taken`);
        }
    }
    if (resource.id && !map.has(resource.id)) throw notFound(resource.id);
    const id = resource.id ?? randomUUID();
    const stamp = new Date().toISOString();
    const created = map.get(id)?.meta?.created ?? stamp;
    const stored = {...JSON.parse(JSON.stringify(instance)), id, meta: {created, lastModified: stamp}};
    map.set(id, stored);
    return stored;
}

function read(map, resource) {
    if (resource.id) {
        const found = map.get(resource.id);
        if (!found) throw notFound(resource.id);
        return found;
    }
    const all = [...map.values()];
    return resource.filter ? resource.filter.match(all) : all;
}

function remove(map, resource) {
    if (!map.delete(resource.id)) throw notFound(resource.id);
    if (map === users) {
        for (const group of groups.values()) {
            group.members = (group.members ?? []).filter((m) => m.value !== resource.id);
        }
    }
}

SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false))
    .ingress((resource, instance) => save(users, "userName", resource, instance))
    .egress((resource) => read(users, resource))
    .degress((resource) => remove(users, resource));
SCIMMY.Resources.declare(SCIMMY.Resources.Group)
    .ingress((resource, instance) => save(groups, "displayName", resource, instance))
    .egress((resource) => read(groups, resource))
    .degress((resource) => remove(groups, resource));

const app = express();
app.use("/scim/v2", new SCIMMYRouters({
    type: "bearer",
    docUri: "https://example.invalid/scim-rs-peer",
    handler: (request) => {
        if (!token) return "anonymous";
        if (request.header("Authorization") !== `Bearer ${token}`) throw new Error("Authorization failure");
        return "scim-client";
    },
}));
// Set after the routers, which install their own defaults: what this peer really supports.
SCIMMY.Config.set({patch: true, filter: 200, sort: true, bulk: true, etag: false, changePassword: false});
app.listen(port, "127.0.0.1", () => console.log(`scimmy peer on http://127.0.0.1:${port}/scim/v2`));
