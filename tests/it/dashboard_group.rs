//! The dashboard's group view (`a`): the sets of a namespace (or of `-l`) as one grid, a
//! row per set, and the group's rollout within its PodDisruptionBudgets (`s`, `S`) —
//! only after the confirmation shows the plan.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::{SignedDuration, Timestamp};
use kubectl_sts::model::fixture::{Fixture, PodState, Strategy};
use kubectl_sts::model::profile::{Profile, Version};
use kubectl_sts::tui::app::{App, Command, Dialog, Msg, Op, SetItem, update};

use super::dashboard::{Tmux, render};
use super::group::{SETS, images, ready_pods, three_sets};

fn now() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn profile() -> Profile {
    Profile::for_version(Version::parse("1.34").unwrap()).unwrap()
}

/// `name`, 3 replicas, partition 3, the template on nginx:1.26, pods on nginx:1.25
/// (`broken`: its ordinal 1 not Ready).
fn set(name: &str, broken: bool) -> kubectl_sts::model::Snapshot {
    let mut sc = Fixture::new(name, 3);
    let a = sc.revision("nginx:1.25");
    let b = sc.revision("nginx:1.26");
    sc.template = "nginx:1.26".into();
    sc.status_current = Some(a);
    sc.status_update = Some(b);
    sc.strategy = Strategy::RollingUpdate {
        partition: 3,
        max_unavailable: None,
    };
    for o in 0..3 {
        let state = if broken && o == 1 {
            PodState::RunningNotReady
        } else {
            PodState::RunningReady
        };
        sc.pod(o, a, state);
    }
    sc.snapshot(&profile(), now()).unwrap()
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

#[test]
fn a_shows_a_row_per_set_and_s_steps_the_group_after_the_confirmation() {
    let snaps: Vec<_> = SETS.iter().map(|n| set(n, *n == "es-b")).collect();
    let mut app = App::new("default", now(), profile(), false);
    let items = snaps
        .iter()
        .map(|s| SetItem::of(s, now(), &profile()))
        .collect();
    update(&mut app, Msg::Sets(items));
    update(&mut app, Msg::Snapshot(Box::new(snaps[0].clone())));
    let (_, cmds) = update(&mut app, key('a'));
    assert!(
        matches!(&cmds[..], [Command::WatchGroup { namespace, names }]
            if namespace == "default" && names == &SETS),
        "{cmds:?}"
    );
    update(&mut app, Msg::Group(snaps.clone()));
    let screen = render(&mut app, 150, 30);
    assert!(
        screen.contains("Group: 3 set(s) in default — 9 pod(s) to update"),
        "{screen}"
    );
    for name in SETS {
        let line = screen
            .lines()
            .find(|l| l.contains(&format!("{name}    0/3   partition 3")))
            .unwrap_or_else(|| panic!("a row for {name}:\n{screen}"));
        let cells = if name == "es-b" {
            "○ ○!○"
        } else {
            "○ ○ ○"
        };
        assert!(line.contains(cells), "{name}'s ordinals: {line}");
    }
    // The set's own operations wait for the set's view.
    let (_, cmds) = update(&mut app, key('f'));
    assert!(cmds.is_empty() && app.dialog.is_none());
    assert!(matches!(&app.status, Some(Err(e)) if e.contains("press a")));
    let (_, cmds) = update(&mut app, key('s'));
    assert!(cmds.is_empty(), "nothing runs before the confirmation");
    let Some(Dialog::Confirm { title, plan, op }) = &app.dialog else {
        panic!("{:?}", app.dialog);
    };
    assert_eq!(title, "Step the group es-a, es-b, es-c");
    assert!(
        plan.iter()
            .any(|l| l.starts_with("Next: es-a partition 3 → 2 (ordinals 2)")),
        "{plan:?}"
    );
    assert_eq!(
        op,
        &Op::Group {
            names: SETS.iter().map(|s| s.to_string()).collect(),
            all: false
        }
    );
    let (_, cmds) = update(&mut app, key('y'));
    assert!(
        matches!(&cmds[..], [Command::Run { namespace, name, op: Op::Group { all: false, .. } }]
            if namespace == "default" && name == "es-a,es-b,es-c"),
        "{cmds:?}"
    );
    // `a` again: back to the set, the group no longer followed.
    app.busy = None;
    let (_, cmds) = update(&mut app, key('a'));
    assert!(app.group.is_none());
    assert!(
        matches!(&cmds[..], [Command::WatchGroup { names, .. }] if names.is_empty()),
        "{cmds:?}"
    );
}

/// In tmux against the simulated cluster: `dashboard -l cluster=es`, `a`, `S`, `y` rolls
/// the three sets out within their budget (never more than one of nine pods down).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_to_end_in_tmux_the_group_view_rolls_out_three_sets_within_their_budget() {
    let live = super::live::serve(three_sets()).await;
    let sample = super::recreate::Availability::sample(&live);
    let tmux = Tmux::start(
        &live,
        &[
            "dashboard",
            "es-a",
            "-l",
            "cluster=es",
            "--stable-for",
            "1s",
        ],
    );
    tmux.wait_for("es-a").await;
    tmux.keys("a");
    tmux.wait_for("Group: 3 set(s) in default").await;
    let screen = tmux.wait_for("es-c    0/3   partition 3").await;
    assert!(screen.contains("es-b"), "{screen}");
    tmux.keys("S");
    tmux.wait_for("Proceed? [y/N]").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        live.server
            .shared
            .requests()
            .iter()
            .all(|r| r.method == "GET"),
        "nothing before the confirmation"
    );
    tmux.keys("y");
    let mut fewest = usize::MAX;
    let done = |live: &super::live::Live| {
        SETS.iter()
            .all(|s| images(live, s) == vec!["nginx:1.26"; 3])
    };
    for _ in 0..600 {
        fewest = fewest.min(ready_pods(&live));
        if done(&live) && ready_pods(&live) == 9 {
            break;
        }
        live.server.advance(SignedDuration::from_millis(500));
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(done(&live), "all nine pods updated:\n{}", tmux.screen());
    assert!(
        9 - fewest.min(9) <= 1 && 9usize.saturating_sub(sample.fewest()) <= 1,
        "more than one pod down at once ({fewest} Ready)"
    );
    tmux.wait_for("0 pod(s) to update").await;
    tmux.keys("q");
}
