#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Dashboard rendering: one frame of a 1,000-ordinal set (goal: under 5 ms), and the
//! update that follows a watch snapshot of it (report + derived events).

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use kubectl_sts::model::fixture::{Fixture, PodState, Strategy};
use kubectl_sts::model::profile::{Profile, Version};
use kubectl_sts::tui::app::{App, Msg, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn benches(c: &mut Criterion) {
    let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let profile = Profile::for_version(Version::parse("1.36").unwrap()).unwrap();
    let mut sc = Fixture::new("web", 1000);
    let a = sc.revision("nginx:1.25");
    let b = sc.revision("nginx:1.26");
    sc.template = "nginx:1.26".into();
    sc.status_current = Some(a);
    sc.status_update = Some(b);
    sc.strategy = Strategy::RollingUpdate {
        partition: 500,
        max_unavailable: None,
    };
    for o in 0..1000 {
        sc.pod(o, if o >= 500 { b } else { a }, PodState::RunningReady);
    }
    let snap = sc.snapshot(&profile, now).unwrap();
    let mut app = App::new("default", now, profile, true);
    update(&mut app, Msg::Snapshot(Box::new(snap.clone())));
    let mut terminal = Terminal::new(TestBackend::new(160, 50)).unwrap();
    c.bench_function("tui/frame-1000-ordinals", |bch| {
        bch.iter(|| {
            terminal
                .draw(|f| kubectl_sts::tui::view::view(f, &mut app))
                .unwrap();
        })
    });
    c.bench_function("tui/snapshot-update-1000-ordinals", |bch| {
        bch.iter(|| update(&mut app, Msg::Snapshot(Box::new(snap.clone()))))
    });
}

criterion_group!(tui, benches);
criterion_main!(tui);
