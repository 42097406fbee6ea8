//! Runs the shared conformance checker (scenarios recorded from the real upstream
//! controller) against the binary built by this test run.

use std::path::Path;
use std::process::Command;

#[test]
fn conformance_vectors_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checker = root.join("../shared/conformance/check.py");
    let vectors = root.join("../shared/conformance/vectors");
    if !checker.exists() {
        // Outside the project's workspace (no shared/ beside the checkout) there is
        // nothing to check against; say so loudly rather than pass quietly.
        eprintln!("SKIPPED: {} not found", checker.display());
        return;
    }
    let out = Command::new("python3")
        .arg(&checker)
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_kubectl-sts"))
        .arg(&vectors)
        .output()
        .expect("python3 runs the conformance checker");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "conformance failures:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}
