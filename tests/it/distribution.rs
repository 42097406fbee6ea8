//! Distribution: the krew manifest against krew's rules, the release archive's layout
//! against the manifest, a krew-style install found by the real kubectl, the man page and
//! completions in step with the CLI, the plugin-completion shim against the simulated
//! cluster, and `version`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn manifest() -> Value {
    let text = std::fs::read_to_string(root().join("krew/sts.yaml")).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

const PLATFORMS: [(&str, &str); 5] = [
    ("linux", "amd64"),
    ("linux", "arm64"),
    ("darwin", "amd64"),
    ("darwin", "arm64"),
    ("windows", "amd64"),
];

fn platform<'m>(m: &'m Value, os: &str, arch: &str) -> &'m Value {
    m["spec"]["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["selector"]["matchLabels"]["os"] == os && p["selector"]["matchLabels"]["arch"] == arch
        })
        .unwrap_or_else(|| panic!("no platform {os}/{arch}"))
}

#[test]
fn the_krew_manifest_follows_krews_rules() {
    let m = manifest();
    assert_eq!(
        m["apiVersion"],
        "krew.googlecontainertools.github.com/v1alpha2"
    );
    assert_eq!(m["kind"], "Plugin");
    assert_eq!(m["metadata"]["name"], "sts", "named like the file");
    let version = m["spec"]["version"].as_str().unwrap();
    assert_eq!(
        version,
        format!("v{}", env!("CARGO_PKG_VERSION")),
        "spec.version is the crate's"
    );
    let semver = version
        .strip_prefix('v')
        .unwrap()
        .split('.')
        .collect::<Vec<_>>();
    assert!(
        semver.len() == 3 && semver.iter().all(|p| p.parse::<u64>().is_ok()),
        "{version}"
    );
    assert!(
        m["spec"]["homepage"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let short = m["spec"]["shortDescription"].as_str().unwrap();
    assert!(
        short.len() < 50,
        "shortDescription is {} characters",
        short.len()
    );
    let description = m["spec"]["description"].as_str().unwrap();
    assert!(
        description.contains("StatefulSet") && description.contains("67250"),
        "what and why"
    );
    let caveats = m["spec"]["caveats"].as_str().unwrap();
    assert!(
        caveats.contains("kubectl_complete-sts"),
        "caveats only for prerequisites: {caveats}"
    );
    let platforms = m["spec"]["platforms"].as_array().unwrap();
    assert_eq!(platforms.len(), PLATFORMS.len());
    for (os, arch) in PLATFORMS {
        let p = platform(&m, os, arch);
        let uri = p["uri"].as_str().unwrap();
        let ext = if os == "windows" { "zip" } else { "tar.gz" };
        assert_eq!(
            uri,
            format!(
                "https://github.com/kubectl-sts/kubectl-sts/releases/download/{version}/kubectl-sts_{}_{os}_{arch}.{ext}",
                env!("CARGO_PKG_VERSION")
            )
        );
        let sha = p["sha256"].as_str().unwrap();
        assert!(
            sha.len() == 64 && sha.chars().all(|c| c.is_ascii_hexdigit()),
            "{os}/{arch}: {sha}"
        );
        let bin = p["bin"].as_str().unwrap();
        assert_eq!(
            bin,
            if os == "windows" {
                "kubectl-sts.exe"
            } else {
                "kubectl-sts"
            }
        );
        let from: Vec<&str> = p["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["from"].as_str().unwrap())
            .collect();
        assert!(
            from.contains(&bin) && from.contains(&"LICENSE"),
            "{os}/{arch}: {from:?}"
        );
        assert!(
            p["files"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["to"] == ".")
        );
    }
}

#[test]
fn the_krew_release_bot_template_covers_every_platform() {
    let text = std::fs::read_to_string(root().join(".krew.yaml")).unwrap();
    assert!(text.contains("version: {{ .TagName }}"));
    assert_eq!(
        text.matches("addURIAndSha").count(),
        PLATFORMS.len() + 1,
        "one per platform (+ the comment)"
    );
    for (os, arch) in PLATFORMS {
        assert!(
            text.contains(&format!("{{os: {os}, arch: {arch}}}")),
            "{os}/{arch}"
        );
    }
}

fn run_in(dir: &Path, program: &str, args: &[&str], path: &str) -> (i32, String, String) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir)
        .env_remove("KUBECONFIG")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// scripts/release packages the binary as the manifest says; extracted krew-style onto
/// PATH, kubectl finds the plugin and runs it.
#[test]
fn the_release_archive_installs_like_krew_and_kubectl_runs_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    let out = Command::new(root().join("scripts/release"))
        .args(["--binary", env!("CARGO_BIN_EXE_kubectl-sts"), "--out"])
        .arg(&dist)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let name = format!(
        "kubectl-sts_{}_linux_amd64.tar.gz",
        env!("CARGO_PKG_VERSION")
    );
    let archive = dist.join(&name);
    assert!(archive.exists(), "{name}");
    let listing = Command::new("tar")
        .arg("tzf")
        .arg(&archive)
        .output()
        .unwrap();
    let mut entries: Vec<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    entries.sort();
    assert_eq!(entries, ["LICENSE", "kubectl-sts", "kubectl_complete-sts"]);
    // The checksum file is right.
    let sums = std::fs::read_to_string(dist.join(format!("{name}.sha256"))).unwrap();
    let check = Command::new("sha256sum")
        .arg("-c")
        .arg(format!("{name}.sha256"))
        .current_dir(&dist)
        .output()
        .unwrap();
    assert!(check.status.success(), "{sums}");

    // Install as krew does: extract, copy each `files` entry, put `bin` on PATH.
    let m = manifest();
    let p = platform(&m, "linux", "amd64");
    let extracted = tmp.path().join("extracted");
    std::fs::create_dir_all(&extracted).unwrap();
    assert!(
        Command::new("tar")
            .arg("xzf")
            .arg(&archive)
            .arg("-C")
            .arg(&extracted)
            .status()
            .unwrap()
            .success()
    );
    let installed = tmp.path().join("krew/store/sts");
    std::fs::create_dir_all(&installed).unwrap();
    for f in p["files"].as_array().unwrap() {
        let from = f["from"].as_str().unwrap();
        assert!(extracted.join(from).exists(), "the archive holds {from}");
        std::fs::copy(extracted.join(from), installed.join(from)).unwrap();
    }
    let bin = installed.join(p["bin"].as_str().unwrap());
    assert!(bin.exists());
    let kubectl_dir = which("kubectl");
    let path = format!(
        "{}:{}:/usr/bin:/bin",
        installed.display(),
        kubectl_dir.display()
    );
    let (code, out, err) = run_in(tmp.path(), "kubectl", &["sts", "--help"], &path);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Usage: kubectl sts"), "{out}");
    let (_, out, err) = run_in(tmp.path(), "kubectl", &["plugin", "list"], &path);
    assert!(
        out.contains(&bin.display().to_string()),
        "kubectl plugin list: {out}{err}"
    );

    // scripts/krew-manifest writes that archive's real checksum into the manifest.
    let copy = tmp.path().join("sts.yaml");
    std::fs::copy(root().join("krew/sts.yaml"), &copy).unwrap();
    let out = Command::new(root().join("scripts/krew-manifest"))
        .arg("--manifest")
        .arg(&copy)
        .arg(&dist)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let updated: Value = serde_saphyr::from_str(&std::fs::read_to_string(&copy).unwrap()).unwrap();
    let sha = sums.split_whitespace().next().unwrap();
    assert_eq!(platform(&updated, "linux", "amd64")["sha256"], sha);
}

fn which(program: &str) -> PathBuf {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program}"))
        .output()
        .unwrap();
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    path.parent().unwrap().to_path_buf()
}

/// `man/kubectl-sts.1` is what the CLI generates; regenerate with UPDATE_COMPLETIONS=1.
#[test]
fn the_man_page_matches_the_cli() {
    let path = root().join("man/kubectl-sts.1");
    let want = kubectl_sts::cli::man_page();
    if std::env::var_os("UPDATE_COMPLETIONS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read(&path).unwrap_or_default();
    assert!(
        have == want,
        "man/kubectl-sts.1 is out of date: run UPDATE_COMPLETIONS=1 cargo test"
    );
    let text = String::from_utf8_lossy(&want);
    assert!(
        text.contains(".TH kubectl-sts") && text.contains("force\\-rollback"),
        "{}",
        &text[..200]
    );
}

#[test]
fn version_names_the_commit_and_the_kubernetes_range() {
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .arg("version")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.starts_with(&format!(
            "kubectl-sts {} (commit ",
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );
    assert!(text.contains("Kubernetes 1.28 to 1.37"), "{text}");
    assert!(
        text.contains("verified against the real controller of each release")
            && text.contains("1.28  v1.28.15")
            && text.contains("1.37  v1.37.2"),
        "{text}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args(["version", "-o", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert!(!v["commit"].as_str().unwrap().is_empty());
    let verified = v["kubernetesVerified"].as_array().unwrap();
    assert_eq!(verified.len(), 10, "{verified:?}");
    assert_eq!(verified[0]["release"], "1.28");
    assert_eq!(verified[0]["oracle"], "v1.28.15");
    assert!(
        verified
            .iter()
            .all(|r| r["disagreements"] == 0 && r["scenarios"].as_u64() >= Some(5000))
    );
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("(commit "));
}

/// The kubectl ≥ 1.26 plugin-completion shim, run as kubectl runs it and through kubectl
/// itself, completing against the simulated cluster.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_completion_shim_completes_names_revisions_and_contexts_from_the_cluster() {
    let live = super::live::serve(super::live::scenario("stuck", &[])).await;
    let kc = live.kubeconfig();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}:{}:/usr/bin:/bin",
        root().join("completions").display(),
        bin_dir.display(),
        which("kubectl").display()
    );
    let shim = root().join("completions/kubectl_complete-sts");
    let complete = |args: &[&str]| {
        let out = Command::new(&shim)
            .args(args)
            .env("PATH", &path)
            .env("HOME", live.dir.path())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let lines = |s: String| s.lines().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(lines(complete(&["ro"])), ["rollout", ":4"]);
    assert!(complete(&["rollout", ""]).contains("preview\n"));
    assert!(complete(&["rollout", "step", "web", "--st"]).contains("--stable-for\n"));
    assert_eq!(
        lines(complete(&["--kubeconfig", &kc, "status", ""])),
        ["web", ":4"]
    );
    assert_eq!(
        lines(complete(&["--kubeconfig", &kc, "force-rollback", "w"])),
        ["web", ":4"]
    );
    assert_eq!(
        lines(complete(&[
            "--kubeconfig",
            &kc,
            "rollout",
            "undo",
            "web",
            "--to-revision",
            ""
        ])),
        ["1", "2", ":4"]
    );
    assert_eq!(
        lines(complete(&["--kubeconfig", &kc, "--context", ""])),
        ["kubectl-sts-sim", ":4"]
    );
    assert_eq!(
        lines(complete(&["--kubeconfig", &kc, "-n", "def"])),
        ["default", ":4"]
    );
    assert_eq!(lines(complete(&["status", "-o", "j"])), ["json", ":4"]);
    // Through kubectl's own completion, which finds the shim on PATH.
    let out = Command::new("kubectl")
        .args(["__complete", "sts", "--kubeconfig", &kc, "status", ""])
        .env("PATH", &path)
        .env("HOME", live.dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l == "web"),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
