#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `rollout preview` at the largest sizes the tool accepts (issue: gates and waits under
//! hostile input, point 16). Goals: time linear in the ordinals, memory independent of
//! the timeline's length: 10,000 ordinals ≤ 0.3 s, 1,000,000 ≤ 30 s and ≤ 500 MB.
//!
//!     cargo bench --bench preview_scale                 # 10000 100000 1000000
//!     PREVIEW_SCALE_SIZES=10000 cargo bench --bench preview_scale
//!
//! Each size runs in a process of its own (the bench runs itself again), so its peak
//! resident memory (VmHWM) is its own. Two shapes per size: a set created from nothing
//! (OrderedReady: every pod created, then Ready, one after another) and a settled set
//! whose template changes (every pod deleted and recreated, highest ordinal first).

use std::time::Instant;

use jiff::Timestamp;
use kubectl_sts::model::fixture::{Fixture, PodState};
use kubectl_sts::model::preview::{Assumptions, End, preview, with_image};
use kubectl_sts::model::profile::{Profile, Version};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--one") {
        let shape = args[pos + 1].clone();
        let n: i32 = args[pos + 2].parse().unwrap();
        one(&shape, n);
        return;
    }
    let sizes = std::env::var("PREVIEW_SCALE_SIZES").unwrap_or("10000 100000 1000000".into());
    let me = std::env::current_exe().unwrap();
    for n in sizes.split_whitespace() {
        // A settled set of a million is a million pods read from the cluster: the input
        // alone is gigabytes, whatever the preview does. The rollout shape stops at 100,000.
        let shapes: &[&str] = if n.parse::<i64>().unwrap() > 100_000 {
            &["from-nothing"]
        } else {
            &["from-nothing", "rollout"]
        };
        for shape in shapes {
            let status = std::process::Command::new(&me)
                .args(["--one", shape, n])
                .status()
                .unwrap();
            assert!(status.success(), "{shape} {n}: {status}");
        }
    }
}

fn one(shape: &str, n: i32) {
    let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let profile = Profile::for_version(Version::parse("1.36").unwrap()).unwrap();
    let mut sc = Fixture::new("web", n);
    sc.volume_claim_templates = vec!["data".into()];
    let built = Instant::now();
    let snap = if shape == "from-nothing" {
        sc.revision("nginx:1.24");
        sc.snapshot(&profile, now).unwrap()
    } else {
        let a = sc.revision("nginx:1.24");
        sc.status_current = Some(a);
        sc.status_update = Some(a);
        sc.status_current_replicas = n;
        sc.pods(0..n, a, PodState::RunningReady);
        let snap = sc.snapshot(&profile, now).unwrap();
        let set = with_image(snap.set_json(), "app", "nginx:1.25").unwrap();
        snap.with_set(set).unwrap()
    };
    let setup = built.elapsed();
    let before = rss("VmRSS");
    let started = Instant::now();
    let t = preview(&snap, now, &profile, Assumptions::default(), usize::MAX);
    let took = started.elapsed();
    assert_eq!(t.end, End::Complete, "{}", t.message);
    println!(
        "{shape} {n} ordinals: preview {:.2} s (a rollout of {} s; {} rows kept, {} left out; \
         {} passes; {} restarts); peak RSS {} kB (snapshot alone {} kB, built in {:.1} s)",
        took.as_secs_f64(),
        t.duration_seconds,
        t.events.len(),
        t.omitted.as_ref().map_or(0, |o| o.events),
        t.passes,
        t.restarts,
        rss("VmHWM"),
        before,
        setup.as_secs_f64(),
    );
}

/// A line of /proc/self/status, in kB.
fn rss(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        .unwrap()
}
