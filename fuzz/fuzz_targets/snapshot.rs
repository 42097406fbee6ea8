//! Snapshot text → parse → plan (two releases) → report → diagnosis → preview. Nothing
//! may panic, whatever the bytes. Seeds: the conformance vectors and the fixtures
//! (a vector stands for its input). Run: `scripts/fuzz 600` (ten minutes).
#![no_main]

use kubectl_sts::manifest::snapshot_from_text;
use kubectl_sts::model::preview::{Assumptions, preview};
use kubectl_sts::model::profile::{Profile, Version};
use kubectl_sts::model::{plan, report};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A conformance vector (the seeds) stands for its input snapshot.
    let inner = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("input").map(|i| i.to_string()));
    let text = inner.as_deref().unwrap_or(text);
    let Ok(snap) = snapshot_from_text(text, None) else {
        return;
    };
    let now: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    for release in ["1.28", "1.36"] {
        let Ok(profile) = Version::parse(release).and_then(Profile::for_version) else {
            continue;
        };
        let plan = plan(&snap, now, &profile);
        let _ = report::report(&snap, &plan, now, &profile);
    }
    // The preview walks every ordinal through its life: bounded to small sets here.
    let replicas = kubectl_sts::model::set::replicas(snap.set());
    if replicas <= 32 && snap.pods().len() <= 64 {
        let profile = Profile::default();
        let _ = preview(&snap, now, &profile, Assumptions::default(), 500);
    }
});
