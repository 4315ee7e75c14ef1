//! The third-party SCIM servers xtask can run, at pinned versions, and the files each needs.
//!
//! The pins live in the data files under `xtask/peers/` (a full `pip freeze` per Python
//! environment, a `package-lock.json` per npm peer, a `Cargo.lock` per Rust peer); the versions
//! here are the server packages' own, for display and for the interop report.

/// Which package manager installs a peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// `python3 -m venv` + `pip install -r requirements.txt`.
    Python,
    /// `npm ci` from a checked-in `package-lock.json`, run with `node`.
    Npm,
    /// `cargo build --release --locked` of a small wrapper crate (its own workspace, with a
    /// checked-in `Cargo.lock`), run as the built binary.
    Cargo,
}

/// How a peer is prepared and started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Scim2Server,
    DjangoScim2,
    DjangoScim2Server,
    Canaille,
    Scimmy,
    BetterAuthScim,
    ScimServerRs,
}

/// One third-party SCIM server.
#[derive(Debug)]
pub struct Peer {
    /// The name used on the command line (`cargo xtask peers start NAME`).
    pub name: &'static str,
    /// The registry package and its pinned version.
    pub package: &'static str,
    pub version: &'static str,
    pub tool: Tool,
    pub kind: Kind,
    /// The port `peers start` uses without `--port`.
    pub default_port: u16,
    /// The SCIM base path on the server (the base URL is `http://127.0.0.1:PORT` + this).
    pub base_path: &'static str,
    /// Part of the interop step of `cargo xtask test` unless other peers are asked for.
    pub in_default_interop: bool,
}

impl Peer {
    pub fn base_url(&self, port: u16) -> String {
        format!("http://127.0.0.1:{port}{}", self.base_path)
    }

    /// The Python environment (a folder name under the peers directory) the peer runs in.
    pub fn python_env(&self) -> Option<PythonEnv> {
        match self.kind {
            Kind::Scim2Server | Kind::DjangoScim2 | Kind::DjangoScim2Server => {
                Some(PythonEnv::SHARED)
            }
            Kind::Canaille => Some(PythonEnv::CANAILLE),
            Kind::Scimmy | Kind::BetterAuthScim | Kind::ScimServerRs => None,
        }
    }

    /// The files copied into the peer's folder before it starts (relative path, contents).
    pub fn files(&self) -> &'static [(&'static str, &'static str)] {
        match self.kind {
            Kind::Scim2Server | Kind::Canaille => &[],
            Kind::DjangoScim2 => DJANGO_SCIM2,
            Kind::DjangoScim2Server => DJANGO_SCIM2_SERVER,
            Kind::Scimmy => SCIMMY,
            Kind::BetterAuthScim => BETTER_AUTH_SCIM,
            Kind::ScimServerRs => SCIM_SERVER_RS,
        }
    }
}

/// A Python virtual environment and its fully pinned requirements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PythonEnv {
    /// Folder name under the peers directory.
    pub dir: &'static str,
    pub requirements: &'static str,
}

impl PythonEnv {
    /// scim2-server, django-scim2 and django-scim2-server share one venv (one pip run in CI).
    pub const SHARED: Self = Self {
        dir: "python",
        requirements: include_str!("../../peers/python/requirements.txt"),
    };
    /// Canaille pins an older scim2-models than scim2-server accepts.
    pub const CANAILLE: Self = Self {
        dir: "canaille-venv",
        requirements: include_str!("../../peers/canaille/requirements.txt"),
    };
}

/// Every known peer.
pub const PEERS: &[Peer] = &[
    Peer {
        name: "scim2-server",
        package: "scim2-server (PyPI)",
        version: "0.8.3",
        tool: Tool::Python,
        kind: Kind::Scim2Server,
        default_port: 8081,
        base_path: "",
        in_default_interop: true,
    },
    Peer {
        name: "django-scim2",
        package: "django-scim2 (PyPI)",
        version: "0.23.0",
        tool: Tool::Python,
        kind: Kind::DjangoScim2,
        default_port: 8082,
        base_path: "/scim/v2",
        in_default_interop: true,
    },
    Peer {
        name: "canaille",
        package: "canaille (PyPI)",
        version: "0.3.6",
        tool: Tool::Python,
        kind: Kind::Canaille,
        default_port: 8083,
        base_path: "/scim/v2",
        in_default_interop: false,
    },
    Peer {
        name: "django-scim2-server",
        package: "django-scim2-server (PyPI)",
        version: "1.1.0",
        tool: Tool::Python,
        kind: Kind::DjangoScim2Server,
        default_port: 8084,
        base_path: "/scim/v2",
        in_default_interop: true,
    },
    Peer {
        name: "scimmy",
        package: "scimmy + scimmy-routers (npm)",
        version: "1.3.5",
        tool: Tool::Npm,
        kind: Kind::Scimmy,
        default_port: 8085,
        base_path: "/scim/v2",
        in_default_interop: true,
    },
    Peer {
        name: "better-auth-scim",
        package: "@better-auth/scim (npm)",
        version: "1.7.5",
        tool: Tool::Npm,
        kind: Kind::BetterAuthScim,
        default_port: 8086,
        base_path: "/api/auth/scim/v2",
        in_default_interop: true,
    },
    Peer {
        name: "scim-server-rs",
        package: "scim-server (crates.io)",
        version: "0.5.3",
        tool: Tool::Cargo,
        kind: Kind::ScimServerRs,
        default_port: 8087,
        base_path: "/scim/v2",
        in_default_interop: false,
    },
];

/// Looks a peer up by name.
pub fn find(name: &str) -> Option<&'static Peer> {
    PEERS.iter().find(|p| p.name == name)
}

macro_rules! peer_files {
    ($peer:literal: $($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../../peers/", $peer, "/", $path)))),*]
    };
}

const DJANGO_SCIM2: &[(&str, &str)] = peer_files!("django-scim2":
    "project/manage.py",
    "project/scimproj/__init__.py",
    "project/scimproj/settings.py",
    "project/scimproj/urls.py",
    "project/scimproj/wsgi.py",
    "project/scimapp/__init__.py",
    "project/scimapp/middleware.py",
    "project/scimapp/models.py",
    "project/scimapp/migrations/__init__.py",
    "project/scimapp/migrations/0001_initial.py",
);

const DJANGO_SCIM2_SERVER: &[(&str, &str)] = peer_files!("django-scim2-server":
    "project/manage.py",
    "project/scimproj/__init__.py",
    "project/scimproj/auth.py",
    "project/scimproj/settings.py",
    "project/scimproj/urls.py",
    "project/scimproj/wsgi.py",
);

const SCIMMY: &[(&str, &str)] =
    peer_files!("scimmy": "package.json", "package-lock.json", "server.mjs");

const BETTER_AUTH_SCIM: &[(&str, &str)] =
    peer_files!("better-auth-scim": "package.json", "package-lock.json", "server.mjs");

/// The axum wrapper around the `scim-server` crate (see its `src/main.rs`).
const SCIM_SERVER_RS: &[(&str, &str)] =
    peer_files!("scim-server-rs": "Cargo.toml", "Cargo.lock", "src/main.rs");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ports_are_unique() {
        for (i, a) in PEERS.iter().enumerate() {
            for b in &PEERS[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.default_port, b.default_port);
            }
        }
    }

    #[test]
    fn python_pins_name_the_server_version() {
        for peer in PEERS.iter().filter(|p| p.tool == Tool::Python) {
            let env = peer.python_env().unwrap();
            let pin = format!("{}=={}", peer.name, peer.version).to_lowercase();
            assert!(
                env.requirements.to_lowercase().lines().any(|l| l == pin),
                "{} is not pinned as {pin} in {}",
                peer.name,
                env.dir
            );
        }
    }

    #[test]
    fn npm_pins_name_the_server_version() {
        for peer in PEERS.iter().filter(|p| p.tool == Tool::Npm) {
            let (_, package) = peer
                .files()
                .iter()
                .find(|(path, _)| *path == "package.json")
                .unwrap();
            let json: serde_json::Value = serde_json::from_str(package).unwrap();
            let deps = json["dependencies"].as_object().unwrap();
            assert!(
                deps.values().any(|v| v == peer.version),
                "{}: no dependency pinned at {}",
                peer.name,
                peer.version
            );
            assert!(
                deps.values().all(|v| v
                    .as_str()
                    .unwrap()
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.')),
                "{}: every npm dependency must be an exact version",
                peer.name
            );
        }
    }

    #[test]
    fn cargo_pins_name_the_server_version() {
        let cargo_peers: Vec<_> = PEERS.iter().filter(|p| p.tool == Tool::Cargo).collect();
        assert!(!cargo_peers.is_empty());
        for peer in cargo_peers {
            let file = |name: &str| {
                peer.files()
                    .iter()
                    .find(|(path, _)| *path == name)
                    .map(|(_, text)| *text)
                    .unwrap()
            };
            let crate_name = peer.package.split(' ').next().unwrap();
            let manifest: toml_edit::DocumentMut = file("Cargo.toml").parse().unwrap();
            assert!(
                manifest.contains_key("workspace"),
                "{}: the wrapper must be its own workspace",
                peer.name
            );
            assert_eq!(
                manifest["dependencies"][crate_name].as_str(),
                Some(format!("={}", peer.version).as_str()),
                "{}: {crate_name} must be required at exactly {}",
                peer.name,
                peer.version
            );
            let lock: toml_edit::DocumentMut = file("Cargo.lock").parse().unwrap();
            let locked: Vec<&str> = lock["package"]
                .as_array_of_tables()
                .unwrap()
                .iter()
                .filter(|p| p["name"].as_str() == Some(crate_name))
                .map(|p| p["version"].as_str().unwrap())
                .collect();
            assert_eq!(locked, [peer.version], "{}: Cargo.lock", peer.name);
        }
    }

    #[test]
    fn base_url_joins_port_and_path() {
        assert_eq!(
            find("better-auth-scim").unwrap().base_url(9000),
            "http://127.0.0.1:9000/api/auth/scim/v2"
        );
        assert_eq!(
            find("scim2-server").unwrap().base_url(1),
            "http://127.0.0.1:1"
        );
        assert!(find("nope").is_none());
    }
}
