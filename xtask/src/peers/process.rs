//! Preparing, starting, waiting for and stopping a peer process.
//!
//! A peer runs in its own process group (so Ctrl-C in the terminal does not reach it and
//! stopping it also stops the workers it forks), logs into `target/peers/NAME.log`, and is
//! recorded in `target/peers/NAME.state.json` so that another `cargo xtask` can stop it.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::catalog::{Kind, Peer, PythonEnv};
use super::install::{cargo_target_dir, venv_dir};
use crate::exec::Cmd;

/// How long a peer may take to answer `GET /ServiceProviderConfig` after it is started.
const READY_TIMEOUT: Duration = Duration::from_secs(90);

/// What another xtask process needs to find and stop a running peer.
#[derive(Debug, Serialize, Deserialize)]
pub struct State {
    pub pid: u32,
    pub port: u16,
    pub base_url: String,
    pub version: String,
}

impl State {
    fn path(dir: &Path, name: &str) -> PathBuf {
        dir.join(format!("{name}.state.json"))
    }

    pub fn read(dir: &Path, name: &str) -> Result<Option<Self>> {
        let path = Self::path(dir, name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(serde_json::from_str(&text).with_context(|| {
                format!("unreadable state file {}", path.display())
            })?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    fn write(&self, dir: &Path, name: &str) -> Result<()> {
        let path = Self::path(dir, name);
        std::fs::write(&path, serde_json::to_string_pretty(self)?)
            .with_context(|| format!("writing {}", path.display()))
    }

    pub fn remove(dir: &Path, name: &str) -> Result<()> {
        match std::fs::remove_file(Self::path(dir, name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}

/// A peer started by this process; stopped when dropped unless [`Running::detach`]ed.
#[derive(Debug)]
pub struct Running {
    pub name: &'static str,
    pub version: &'static str,
    pub base_url: String,
    pub pid: u32,
    pub port: u16,
    pub log: PathBuf,
    child: Option<Child>,
    /// The state file written by [`Running::record`], removed when the peer stops.
    recorded: Option<(PathBuf, String)>,
}

/// A peer left running after xtask exits.
#[derive(Debug)]
pub struct Detached {
    pub base_url: String,
    pub pid: u32,
    pub log: PathBuf,
}

impl Running {
    /// Records the peer in `dir/KEY.state.json`, so that another xtask process can stop it
    /// (the file is removed when this process stops the peer).
    pub fn record(&mut self, dir: &Path, key: &str) -> Result<()> {
        State {
            pid: self.pid,
            port: self.port,
            base_url: self.base_url.clone(),
            version: self.version.to_owned(),
        }
        .write(dir, key)?;
        self.recorded = Some((dir.to_path_buf(), key.to_owned()));
        Ok(())
    }

    /// Leaves the peer running and records it for `cargo xtask peers stop`.
    pub fn detach(mut self, dir: &Path) -> Result<Detached> {
        self.record(dir, self.name)?;
        self.child = None;
        self.recorded = None;
        Ok(Detached {
            base_url: self.base_url.clone(),
            pid: self.pid,
            log: self.log.clone(),
        })
    }

    /// Stops the peer and waits for it.
    pub fn stop(mut self) {
        self.stop_child();
    }

    fn stop_child(&mut self) {
        if let Some((dir, key)) = self.recorded.take() {
            let _ = State::remove(&dir, &key);
        }
        if let Some(mut child) = self.child.take() {
            signal_group(self.pid, "TERM");
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if matches!(child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            signal_group(self.pid, "KILL");
            let _ = child.wait();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop_child();
    }
}

fn signal_group(pid: u32, signal: &str) {
    let _ = Command::new("kill")
        .args([format!("-{signal}"), "--".to_owned(), format!("-{pid}")])
        .stderr(Stdio::null())
        .status();
}

/// Whether a process with this id exists.
pub fn alive(pid: u32) -> bool {
    Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Stops a peer started by another xtask process (its process group), waiting up to 5 s
/// before killing it.
pub fn stop_pid(pid: u32) {
    signal_group(pid, "TERM");
    let deadline = Instant::now() + Duration::from_secs(5);
    while alive(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    if alive(pid) {
        signal_group(pid, "KILL");
    }
}

fn python(env: PythonEnv, dir: &Path, program: &str) -> String {
    venv_dir(env, dir)
        .join("bin")
        .join(program)
        .to_string_lossy()
        .into_owned()
}

/// Resets the peer's state and returns the command that serves it.
fn prepare(peer: &Peer, port: u16, token: &str, dir: &Path) -> Result<Cmd> {
    let home = dir.join(peer.name);
    let env = peer.python_env();
    let bin = |program: &str| env.map(|e| python(e, dir, program)).unwrap_or_default();
    Ok(match peer.kind {
        Kind::Scim2Server => Cmd::new(bin("scim2-server"))
            .args(["--hostname", "127.0.0.1", "--port", &port.to_string()])
            .args(["--bearer-token", token])
            .redact(token),
        Kind::DjangoScim2 | Kind::DjangoScim2Server => {
            let project = home.join("project");
            let db = home.join(format!("db-{port}.sqlite3"));
            if db.exists() {
                std::fs::remove_file(&db)?;
            }
            let db = db.to_string_lossy().into_owned();
            Cmd::new(bin("python"))
                .args(["manage.py", "migrate", "-v0"])
                .dir(&project)
                .env("SCIM_DB", &db)
                .output()
                .with_context(|| format!("{}: database migration", peer.name))?;
            Cmd::new(bin("gunicorn"))
                .args(["--workers", "2", "--bind", &format!("127.0.0.1:{port}")])
                .arg("scimproj.wsgi")
                .dir(&project)
                .env("SCIM_DB", db)
                .env("SCIM_TOKEN", token)
                .env("SCIM_NETLOC", format!("127.0.0.1:{port}"))
        }
        Kind::Canaille => prepare_canaille(&bin("canaille"), &home, port, token)?,
        Kind::Scimmy | Kind::BetterAuthScim => Cmd::new("node")
            .arg("server.mjs")
            .dir(&home)
            .env("PORT", port.to_string())
            .env("SCIM_TOKEN", token),
        Kind::ScimServerRs => Cmd::new(
            cargo_target_dir(&home)
                .join("release")
                .join(format!(
                    "scim-server-rs-peer{}",
                    std::env::consts::EXE_SUFFIX
                ))
                .to_string_lossy(),
        )
        .dir(&home)
        .env("PORT", port.to_string())
        .env("SCIM_TOKEN", token),
    })
}

/// Canaille: a fresh SQLite database, a config file, an OAuth client and a long-lived access
/// token equal to `token` (a client token, which Canaille's SCIM API accepts for every
/// resource).
fn prepare_canaille(canaille: &str, home: &Path, port: u16, token: &str) -> Result<Cmd> {
    let data = home.join(format!("data-{port}"));
    if data.exists() {
        std::fs::remove_dir_all(&data)?;
    }
    std::fs::create_dir_all(&data)?;
    let config = data.join("canaille.toml");
    let config_str = config.to_string_lossy().into_owned();
    let dump = Cmd::new(canaille)
        .args(["config", "dump"])
        .env("CANAILLE_CONFIG", "/dev/null")
        .dir(&data)
        .output()
        .context("canaille config dump")?;
    let jwks = dump
        .lines()
        .find(|l| l.starts_with("ACTIVE_JWKS"))
        .context("`canaille config dump` printed no ACTIVE_JWKS")?;
    let db = data.join("canaille.sqlite");
    std::fs::write(
        &config,
        format!(
            "SECRET_KEY = \"local-interop-peer-only\"\n\
             PREFERRED_URL_SCHEME = \"http\"\n\
             [CANAILLE]\nNAME = \"scim-rs interop peer\"\nDATABASE = \"sql\"\n\
             [CANAILLE.ACL.DEFAULT]\nPERMISSIONS = [\"edit_self\", \"use_oidc\"]\n\
             [CANAILLE_SQL]\nDATABASE_URI = \"sqlite:///{}\"\n\
             [CANAILLE_OIDC]\n{jwks}\n\
             [CANAILLE_SCIM]\nENABLE_SERVER = true\n",
            db.display()
        ),
    )?;
    let run = |args: &[&str]| {
        Cmd::new(canaille)
            .args(args)
            .env("CANAILLE_CONFIG", &config_str)
            .dir(&data)
            .redact(token)
            .output()
    };
    run(&["install"]).context("canaille install")?;
    let client = run(&[
        "create",
        "client",
        "--client-id",
        "scim-rs",
        "--client-secret",
        "local-interop-peer-only",
        "--client-name",
        "scim-rs interop",
        "--grant-types",
        "client_credentials",
        "--token-endpoint-auth-method",
        "client_secret_basic",
        "--scope",
        "openid",
    ])
    .context("canaille create client")?;
    let client: serde_json::Value =
        serde_json::from_str(&client).context("`canaille create client` printed no JSON")?;
    let client_id = client["id"]
        .as_str()
        .context("`canaille create client` printed no id")?;
    let issued = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .context("time")?
        .format(&time::format_description::well_known::Rfc3339)?;
    run(&[
        "create",
        "token",
        "--quiet",
        "--token-id",
        "scim-rs-token",
        "--access-token",
        token,
        "--client",
        client_id,
        "--type",
        "access_token",
        "--scope",
        "openid",
        "--issue-date",
        &issued,
        "--lifetime",
        "315360000",
    ])
    .context("canaille create token")?;
    Ok(Cmd::new(canaille)
        .args(["run", "--bind", &format!("127.0.0.1:{port}")])
        .env("CANAILLE_CONFIG", config_str)
        .dir(&data))
}

/// Starts `peer` (already installed) and waits until it answers.
pub fn start(peer: &'static Peer, port: u16, token: &str, dir: &Path) -> Result<Running> {
    if std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
        bail!("port {port} on 127.0.0.1 is already in use");
    }
    let cmd = prepare(peer, port, token, dir)?;
    let log = dir.join(format!("{}.log", peer.name));
    let out = File::create(&log).with_context(|| format!("creating {}", log.display()))?;
    let mut command = cmd.to_command();
    command
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out);
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let child = command
        .spawn()
        .with_context(|| format!("starting {}: `{}`", peer.name, cmd.display()))?;
    let mut running = Running {
        name: peer.name,
        version: peer.version,
        base_url: peer.base_url(port),
        pid: child.id(),
        port,
        log,
        child: Some(child),
        recorded: None,
    };
    wait_ready(&mut running, token)?;
    Ok(running)
}

fn wait_ready(running: &mut Running, token: &str) -> Result<()> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into();
    let url = format!("{}/ServiceProviderConfig", running.base_url);
    let deadline = Instant::now() + READY_TIMEOUT;
    let mut last = String::from("no answer");
    while Instant::now() < deadline {
        if let Some(child) = running.child.as_mut()
            && let Ok(Some(status)) = child.try_wait()
        {
            bail!(
                "{} exited ({status}) before answering; log:\n{}",
                running.name,
                tail(&running.log)
            );
        }
        match agent
            .get(&url)
            .header("Authorization", format!("Bearer {token}"))
            .header("Accept", "application/scim+json")
            .call()
        {
            Ok(resp) if resp.status().is_success() => return Ok(()),
            Ok(resp) => last = format!("HTTP {}", resp.status()),
            Err(e) => last = e.to_string(),
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    bail!(
        "{} did not answer GET {url} within {} s (last: {last}); log:\n{}",
        running.name,
        READY_TIMEOUT.as_secs(),
        tail(&running.log)
    )
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}
