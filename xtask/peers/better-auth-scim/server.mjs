// scim-rs interop peer: the SCIM 2.0 plugin of Better Auth (@better-auth/scim), mounted with
// better-auth/node on a plain Node http server, on Better Auth's in-memory adapter.
// Started by `cargo xtask peers start better-auth-scim`.
// Environment: PORT, SCIM_TOKEN (the one static bearer credential; always required).
// Base URL: http://127.0.0.1:PORT/api/auth/scim/v2
import http from "node:http";
import {betterAuth} from "better-auth";
import {memoryAdapter} from "better-auth/adapters/memory";
import {toNodeHandler} from "better-auth/node";
import {scim} from "@better-auth/scim";

const port = Number(process.env.PORT || 8086);
const token = process.env.SCIM_TOKEN;
if (!token) {
    console.error("SCIM_TOKEN is required");
    process.exit(2);
}
const tables = {};
const auth = betterAuth({
    baseURL: `http://127.0.0.1:${port}`,
    secret: "local-interop-peer-only-local-interop-peer-only",
    database: memoryAdapter(tables),
    telemetry: {enabled: false},
    plugins: [scim({
        connections: [{id: "scim-rs", credentials: [{type: "bearer", id: "scim-rs-token", token}]}],
    })],
});
// The memory adapter wants one array per model, the plugin's own models included.
const context = await auth.$context;
for (const model of Object.values(context.tables)) tables[model.modelName] ??= [];
http.createServer(toNodeHandler(auth)).listen(port, "127.0.0.1",
    () => console.log(`better-auth-scim peer on http://127.0.0.1:${port}/api/auth/scim/v2`));
