//! The dashboard: the update function (keys → messages, confirmations; nothing reaches
//! the cluster unconfirmed), snapshots of the screen (ratatui TestBackend + insta), the
//! render time of 1,000 ordinals, and an end-to-end run in tmux against the simulated
//! cluster.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use kubectl_sts::model::Snapshot;
use kubectl_sts::model::fixture::{Fixture, PodState, Strategy};
use kubectl_sts::model::profile::{Profile, Version};
use kubectl_sts::tui::app::{App, Command, Dialog, Msg, Op, SetItem, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn now() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn profile() -> Profile {
    Profile::for_version(Version::parse("1.34").unwrap()).unwrap()
}

/// web, `replicas`, template on nginx:1.26; ordinals ≥ `updated_from` updated.
fn rollout(replicas: i32, partition: i32, updated_from: i32) -> Fixture {
    let mut sc = Fixture::new("web", replicas);
    let a = sc.revision("nginx:1.25");
    let b = sc.revision("nginx:1.26");
    sc.template = "nginx:1.26".into();
    sc.status_current = Some(a);
    sc.status_update = Some(b);
    sc.strategy = Strategy::RollingUpdate {
        partition,
        max_unavailable: None,
    };
    for o in 0..replicas {
        sc.pod(
            o,
            if o >= updated_from { b } else { a },
            PodState::RunningReady,
        );
    }
    sc
}

fn app_with(sc: &Fixture, color: bool) -> App {
    let snap: Snapshot = sc.snapshot(&profile(), now()).unwrap();
    let mut app = App::new("default", now(), profile(), color);
    let item = SetItem::of(&snap, now(), &profile());
    update(&mut app, Msg::Sets(vec![item]));
    update(&mut app, Msg::Snapshot(Box::new(snap)));
    app
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(k: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(k, KeyModifiers::NONE))
}

/// The screen as text, one line per row.
pub(super) fn render(app: &mut App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| kubectl_sts::tui::view::view(f, app)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_step_is_only_sent_after_the_confirmation_shows_the_plan() {
    let mut app = app_with(&rollout(5, 3, 3), true);
    let (_, cmds) = update(&mut app, key('s'));
    assert!(cmds.is_empty(), "nothing sent on the key alone");
    let Some(Dialog::Confirm { plan, op, .. }) = &app.dialog else {
        panic!("a confirmation: {:?}", app.dialog)
    };
    assert_eq!(*op, Op::Step { by: 1 });
    assert!(plan[0].contains("from 3 to 2"), "{plan:?}");
    // Cancelling sends nothing.
    let (_, cmds) = update(&mut app, key('n'));
    assert!(cmds.is_empty());
    assert!(app.dialog.is_none());
    assert!(matches!(&app.status, Some(Err(m)) if m.contains("cancelled")));
    // Confirming sends exactly the step.
    update(&mut app, key('s'));
    let (_, cmds) = update(&mut app, key('y'));
    assert_eq!(
        cmds,
        [Command::Run {
            namespace: "default".into(),
            name: "web".into(),
            op: Op::Step { by: 1 }
        }]
    );
    assert!(app.busy.is_some());
    // While it runs, another action is refused.
    let (_, cmds) = update(&mut app, key('f'));
    assert!(cmds.is_empty() && app.dialog.is_none());
    update(&mut app, Msg::Done(Ok("step done".into())));
    assert!(app.busy.is_none());
}

#[test]
fn every_action_key_asks_first() {
    for (k, expected) in [
        ('p', Op::Pause),
        ('f', Op::ForceRollback),
        ('D', Op::Delete),
    ] {
        let mut app = app_with(&rollout(5, 3, 3), true);
        let (_, cmds) = update(&mut app, key(k));
        assert!(cmds.is_empty(), "{k}");
        assert!(
            matches!(&app.dialog, Some(Dialog::Confirm { op, .. }) if *op == expected),
            "{k}: {:?}",
            app.dialog
        );
        let (_, cmds) = update(&mut app, code(KeyCode::Esc));
        assert!(cmds.is_empty(), "{k}: Esc cancels");
    }
    // S: a number, then the confirmation.
    let mut app = app_with(&rollout(5, 5, 5), true);
    update(&mut app, key('S'));
    update(&mut app, key('2'));
    let (_, cmds) = update(&mut app, code(KeyCode::Enter));
    assert!(cmds.is_empty());
    assert!(
        matches!(&app.dialog, Some(Dialog::Confirm { op: Op::Step { by: 2 }, plan, .. }) if plan[0].contains("from 5 to 3"))
    );
    // u: a revision, then the confirmation.
    let mut app = app_with(&rollout(5, 3, 3), true);
    update(&mut app, key('u'));
    assert!(matches!(app.dialog, Some(Dialog::Undo { .. })));
    let (_, cmds) = update(&mut app, code(KeyCode::Enter));
    assert!(cmds.is_empty());
    assert!(
        matches!(
            &app.dialog,
            Some(Dialog::Confirm {
                op: Op::Undo { revision: 1 },
                ..
            })
        ),
        "{:?}",
        app.dialog
    );
    let (_, cmds) = update(&mut app, key('y'));
    assert!(matches!(
        &cmds[..],
        [Command::Run {
            op: Op::Undo { revision: 1 },
            ..
        }]
    ));
}

#[test]
fn navigation_overlays_and_quit() {
    let mut app = app_with(&rollout(5, 3, 3), true);
    update(&mut app, code(KeyCode::Down));
    update(&mut app, code(KeyCode::Down));
    assert_eq!(app.cursor, 2);
    update(&mut app, code(KeyCode::End));
    assert_eq!(app.cursor, 4);
    update(&mut app, key('?'));
    assert!(app.overlay.is_some());
    let (_, cmds) = update(&mut app, key('q'));
    assert!(
        cmds.is_empty() && app.overlay.is_none(),
        "q closes the overlay first"
    );
    update(&mut app, key('d'));
    assert!(
        render(&mut app, 100, 30).contains("+        image: nginx:1.26")
            || render(&mut app, 100, 30).contains("+  - image: nginx:1.26")
    );
    update(&mut app, code(KeyCode::Esc));
    update(&mut app, code(KeyCode::Enter));
    assert!(render(&mut app, 100, 30).contains("pod/web-4"));
    update(&mut app, code(KeyCode::Esc));
    update(&mut app, key('v'));
    assert!(render(&mut app, 120, 40).contains("Preview: statefulset/web"));
    update(&mut app, code(KeyCode::Esc));
    let (_, cmds) = update(&mut app, key('q'));
    assert_eq!(cmds, [Command::Quit]);
    let (_, cmds) = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert_eq!(cmds, [Command::Quit]);
}

#[test]
fn idle_messages_do_not_need_a_clock() {
    // No countdown and no operation: the runtime does not tick (no redraw while idle).
    let app = app_with(&rollout(5, 3, 3), true);
    assert!(!app.needs_tick());
    let mut sc = rollout(3, 0, 3);
    sc.min_ready_seconds = 7200;
    let app = app_with(&sc, true);
    assert!(app.needs_tick(), "an availability countdown runs");
}

#[test]
fn snapshot_rollout_in_progress_with_a_partition() {
    let mut app = app_with(&rollout(5, 3, 3), true);
    insta::assert_snapshot!("partitioned", render(&mut app, 120, 30));
}

#[test]
fn snapshot_stuck_rollout_with_the_diagnosis() {
    let mut sc = rollout(5, 0, 5);
    sc.pods.retain(|p| p.ordinal != 4);
    sc.pod(4, 1, PodState::CrashLoop);
    let mut app = app_with(&sc, true);
    let screen = render(&mut app, 120, 30);
    assert!(screen.contains("Stuck:"), "{screen}");
    insta::assert_snapshot!("stuck", screen);
}

#[test]
fn snapshot_parallel_set() {
    let mut sc = rollout(4, 0, 2);
    sc.parallel = true;
    let mut app = app_with(&sc, true);
    let screen = render(&mut app, 120, 30);
    assert!(screen.contains("Parallel"));
    insta::assert_snapshot!("parallel", screen);
}

#[test]
fn snapshot_zero_replicas() {
    let mut sc = Fixture::new("web", 0);
    let a = sc.revision("nginx:1.25");
    sc.status_current = Some(a);
    sc.status_update = Some(a);
    let mut app = app_with(&sc, true);
    let screen = render(&mut app, 120, 30);
    assert!(screen.contains("0 replicas"));
    insta::assert_snapshot!("zero", screen);
}

#[test]
fn snapshot_narrow_terminal() {
    let mut app = app_with(&rollout(5, 3, 3), true);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("partition 3"));
    insta::assert_snapshot!("narrow", screen);
}

#[test]
fn no_color_draws_no_colour_and_keeps_the_symbols() {
    let mut app = app_with(&rollout(5, 3, 3), false);
    let mut t = Terminal::new(TestBackend::new(120, 30)).unwrap();
    t.draw(|f| kubectl_sts::tui::view::view(f, &mut app))
        .unwrap();
    let buf = t.backend().buffer().clone();
    for y in 0..30 {
        for x in 0..120 {
            let cell = &buf[(x, y)];
            assert_eq!(
                cell.fg,
                ratatui::style::Color::Reset,
                "({x},{y}) {:?}",
                cell.symbol()
            );
        }
    }
    let screen = render(&mut app, 120, 30);
    assert!(screen.contains("● update") && screen.contains("○ current"));
    insta::assert_snapshot!("no_color", screen);
}

#[test]
fn a_frame_of_1000_ordinals_renders_in_under_5ms() {
    let mut app = app_with(&rollout(1000, 500, 500), true);
    let mut t = Terminal::new(TestBackend::new(160, 50)).unwrap();
    t.draw(|f| kubectl_sts::tui::view::view(f, &mut app))
        .unwrap();
    let runs = 50;
    let start = std::time::Instant::now();
    for _ in 0..runs {
        update(&mut app, code(KeyCode::PageDown));
        t.draw(|f| kubectl_sts::tui::view::view(f, &mut app))
            .unwrap();
    }
    let per_frame = start.elapsed() / runs;
    eprintln!("1,000 ordinals: {per_frame:?} per frame (debug build)");
    // Debug builds are ~10x slower than release; the release figure is in benches/tui.rs.
    assert!(
        per_frame < std::time::Duration::from_millis(50),
        "{per_frame:?}"
    );
}

/// tmux on a private socket, driving the dashboard like a person at a terminal.
pub(super) struct Tmux {
    socket: String,
}

impl Tmux {
    pub(super) fn start(live: &super::live::Live, args: &[&str]) -> Tmux {
        assert!(
            std::process::Command::new("tmux")
                .arg("-V")
                .output()
                .is_ok(),
            "tmux is needed for this test (.ci/run installs it)"
        );
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let socket = format!("kubectl-sts-test-{}-{n}", std::process::id());
        let mut cmd = vec![
            env!("CARGO_BIN_EXE_kubectl-sts").to_string(),
            "--kubeconfig".into(),
            live.kubeconfig(),
        ];
        cmd.extend(args.iter().map(|s| s.to_string()));
        let status = std::process::Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "150",
                "-y",
                "40",
            ])
            .arg("-e")
            .arg(format!("HOME={}", live.dir.path().display()))
            .arg("-e")
            .arg("NO_COLOR=1")
            .arg(cmd.join(" "))
            .status()
            .unwrap();
        assert!(status.success());
        Tmux { socket }
    }

    pub(super) fn screen(&self) -> String {
        let out = std::process::Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub(super) fn keys(&self, keys: &str) {
        std::process::Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", keys])
            .status()
            .unwrap();
    }

    fn pid(&self) -> u32 {
        let out = std::process::Command::new("tmux")
            .args(["-L", &self.socket, "display", "-p", "#{pane_pid}"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    }

    pub(super) async fn wait_for(&self, text: &str) -> String {
        for _ in 0..100 {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{text:?} never showed:\n{}", self.screen());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = std::process::Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_to_end_in_tmux_steps_the_partition_after_confirmation() {
    use kubectl_sts::sim::scenario::Step;
    let steps = [
        Step::SetPartition {
            set: "web".into(),
            partition: 5,
        },
        Step::SetImage {
            set: "web".into(),
            container: None,
            image: "nginx:1.26".into(),
        },
    ];
    let live = super::live::serve(super::live::scenario("default", &steps)).await;
    let tmux = Tmux::start(&live, &["dashboard", "web"]);
    // The whole grid: a capture can catch a frame half drawn.
    let screen = tmux.wait_for("4     ○ current").await;
    assert!(screen.contains("partition 5"), "{screen}");
    for o in 0..5 {
        assert!(
            screen.contains(&format!("{o}     ○ current")),
            "ordinal {o}:\n{screen}"
        );
    }
    live.server.shared.clear_requests();
    tmux.keys("s");
    tmux.wait_for("Proceed? [y/N]").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        live.server
            .shared
            .requests()
            .iter()
            .all(|r| r.method != "PATCH"),
        "nothing before the confirmation"
    );
    tmux.keys("y");
    let mut patched = false;
    for _ in 0..100 {
        patched = live.server.shared.requests().iter().any(|r| {
            r.method == "PATCH"
                && r.body
                    .as_ref()
                    .and_then(|b| b.pointer("/spec/updateStrategy/rollingUpdate/partition"))
                    == Some(&serde_json::json!(4))
        });
        if patched {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        patched,
        "the sim records the partition patch:\n{}",
        tmux.screen()
    );
    tmux.wait_for("partition 4").await;
    tmux.keys("q");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_1000_pod_set_stays_small_and_idle() {
    let mut c = kubectl_sts::sim::Cluster::new(kubectl_sts::sim::Config::default());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/scenarios/large.yaml");
    kubectl_sts::sim::scenario::Scenario::load(path)
        .unwrap()
        .start(&mut c)
        .unwrap();
    let live = super::live::serve(c).await;
    let tmux = Tmux::start(&live, &["dashboard", "web"]);
    tmux.wait_for("1000/1000 ready").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let pid = tmux.pid();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap()
    };
    // The heap and stacks: what the dashboard holds. (The test runs the debug binary,
    // whose mapped code alone is ~15 MB larger than the release build's; the release
    // figure, VmRSS, is in the README and the notes.)
    let (rss_kb, anon_kb) = (field("VmRSS:"), field("RssAnon:"));
    let cpu = || {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap()
            .split_whitespace()
            .collect();
        fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
    };
    // Idle once the first frames are drawn: on a loaded machine that takes longer than
    // the 500 ms above, so wait (at most 10 s) for a quiet second before measuring.
    for _ in 0..10 {
        let t = cpu();
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        if cpu() - t <= 1 {
            break;
        }
    }
    let before = cpu();
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let idle_ticks = cpu() - before;
    eprintln!(
        "dashboard on 1,000 pods: RSS {} MB (anonymous {} MB), CPU while idle for 3 s: {idle_ticks} ticks",
        rss_kb / 1024,
        anon_kb / 1024
    );
    assert!(anon_kb < 50 * 1024, "anonymous RSS {anon_kb} kB");
    assert!(
        idle_ticks <= 3,
        "busy while idle: {idle_ticks} ticks in 3 s"
    );
    tmux.keys("q");
}

#[test]
fn a_dropped_watch_shows_reconnecting_until_the_relist_arrives() {
    let sc = rollout(5, 3, 3);
    let mut app = app_with(&sc, true);
    let (dirty, _) = update(&mut app, Msg::Reconnecting("watch ended: 410 Gone".into()));
    assert!(dirty);
    let screen = render(&mut app, 150, 30);
    assert!(
        screen.contains("reconnecting (watch ended: 410 Gone)"),
        "{screen}"
    );
    assert!(
        screen.contains("web-4") || screen.contains(" 4 "),
        "the last state stays on screen"
    );
    let snap = sc.snapshot(&profile(), now()).unwrap();
    update(&mut app, Msg::Snapshot(Box::new(snap)));
    assert!(!render(&mut app, 150, 30).contains("reconnecting"));
}

#[test]
fn the_availability_countdown_ticks_down() {
    let mut sc = rollout(3, 0, 3);
    sc.min_ready_seconds = 7200;
    let mut app = app_with(&sc, true);
    // The scenario's pods have been Ready for an hour: 3600s of 7200 left.
    assert!(
        render(&mut app, 150, 30).contains("in 3600s"),
        "{}",
        render(&mut app, 150, 30)
    );
    update(
        &mut app,
        Msg::Tick(now() + jiff::SignedDuration::from_secs(600)),
    );
    assert!(render(&mut app, 150, 30).contains("in 3000s"));
}

/// A name held by a pod the set does not own is flagged on its ordinal's row and the
/// pass's failure is the diagnosis.
#[test]
fn a_squatted_name_is_flagged_in_the_grid() {
    let mut sc = rollout(5, 0, 0);
    sc.pods.retain(|p| p.ordinal != 4);
    let mut objects = sc.objects(&profile(), now());
    let mut squatter = objects.iter().find(|o| o["kind"] == "Pod").unwrap().clone();
    squatter["metadata"]["name"] = "web-4".into();
    squatter["metadata"]["uid"] = "leftover".into();
    squatter["metadata"]["labels"]["app"] = "web-old".into();
    squatter["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("ownerReferences");
    objects.push(squatter);
    let snap = Snapshot::from_objects(objects, Some("web")).unwrap();
    let mut app = App::new("default", now(), profile(), false);
    update(
        &mut app,
        Msg::Sets(vec![SetItem::of(&snap, now(), &profile())]),
    );
    update(&mut app, Msg::Snapshot(Box::new(snap)));
    let screen = render(&mut app, 160, 30);
    assert!(screen.contains("name held: unmatched orphan"), "{screen}");
    assert!(
        screen.contains("pod web-4 exists and is not this StatefulSet's"),
        "{screen}"
    );
}

/// Quitting while an operation runs stops it: the dashboard asks first, says what
/// quitting does, and quits only on yes (or a second Ctrl-C).
#[test]
fn quitting_while_an_operation_runs_asks_first() {
    let mut app = app_with(&rollout(5, 3, 3), false);
    update(&mut app, key('s'));
    let (_, cmds) = update(&mut app, key('y'));
    assert_eq!(cmds.len(), 1, "the step runs");
    let (_, cmds) = update(&mut app, key('q'));
    assert!(cmds.is_empty(), "not quit while busy");
    assert!(matches!(app.dialog, Some(Dialog::QuitWhileBusy { .. })));
    let screen = render(&mut app, 120, 30);
    assert!(screen.contains("Quitting stops it where it is"), "{screen}");
    let (_, cmds) = update(&mut app, key('n'));
    assert!(cmds.is_empty() && app.dialog.is_none());
    update(&mut app, key('q'));
    let (_, cmds) = update(&mut app, key('y'));
    assert_eq!(cmds, [Command::Quit]);
    // Ctrl-C asks too; a second one quits.
    let ctrl_c = || Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    let (_, cmds) = update(&mut app, ctrl_c());
    assert!(cmds.is_empty());
    let (_, cmds) = update(&mut app, ctrl_c());
    assert_eq!(cmds, [Command::Quit]);
    // Once it is done, q quits at once.
    update(&mut app, Msg::Done(Ok("done".into())));
    app.dialog = None;
    let (_, cmds) = update(&mut app, key('q'));
    assert_eq!(cmds, [Command::Quit]);
}

/// The step panel shows the running step from its events: the plan, what it waits for,
/// each gate's latest verdict with its evidence, and how the step ended; a new operation
/// clears it.
#[test]
fn the_step_panel_shows_each_gate_s_verdict_and_evidence() {
    use kubectl_sts::event::{Event, Verdict};
    let mut app = app_with(&rollout(5, 3, 3), false);
    update(&mut app, key('s'));
    update(&mut app, key('y'));
    let gate = |name: &str, pod: Option<&str>, result, evidence: &str| {
        Msg::Op(Event::Gate {
            name: name.into(),
            pod: pod.map(String::from),
            result,
            evidence: evidence.into(),
            message: format!("{name}: {evidence}"),
        })
    };
    for msg in [
        Msg::Op(Event::Plan {
            message: "Step: statefulset/web partition 3 → 2; then ordinals 2 must be updated, Ready, available and stable for 30s".into(),
            lines: vec![],
            writes: vec![],
            template: None,
        }),
        Msg::Op(Event::progress("web-2 is Ready; watching that it stays Ready for 30s")),
        gate("ready", None, Verdict::Passed, "web-2 updated, Ready, available and stable for 30s"),
        gate("healthz", Some("web-2"), Verdict::Inconclusive, "GET /healthz: no state in the answer"),
        gate("error-rate", Some("web-2"), Verdict::Passed, "query sum(rate(x{pod=\"web-2\"}[1m])) = [0.2]; result < 1"),
        gate("healthz", Some("web-2"), Verdict::Failed, "GET /healthz: state = \"catching-up\"; result == \"serving\""),
    ] {
        update(&mut app, msg);
    }
    let screen = render(&mut app, 140, 40);
    for want in [
        "Step: statefulset/web partition 3 → 2",
        "⏳  web-2 is Ready; watching that it stays Ready for 30s",
        "ready       —         ✓ passed  web-2 updated, Ready, available and stable for 30s",
        "healthz     web-2     ✗ failed  GET /healthz: state = \"catching-up\"; result == \"serving\"",
        "error-rate  web-2     ✓ passed  query sum(rate(x{pod=\"web-2\"}[1m])) = [0.2]; result < 1",
    ] {
        assert!(screen.contains(want), "{want:?} in:\n{screen}");
    }
    assert!(
        !screen.contains("inconclusive"),
        "the latest verdict only:\n{screen}"
    );
    update(
        &mut app,
        Msg::Done(Err("step failed: gate \"healthz\" on web-2".into())),
    );
    let screen = render(&mut app, 140, 40);
    assert!(
        screen.contains("✗ stopped: step failed: gate \"healthz\" on web-2"),
        "{screen}"
    );
    // Another operation: the panel goes.
    update(&mut app, key('p'));
    update(&mut app, key('y'));
    assert!(app.step.is_none());
    assert!(!render(&mut app, 140, 40).contains(" Step "));
}

/// End to end: `dashboard web --gates FILE` — a step taken with `s` runs the file's gate
/// (an HTTP check through the simulated API server's pod proxy) and the step panel shows
/// its verdict and evidence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_to_end_in_tmux_a_step_runs_the_dashboard_s_gates_and_shows_them() {
    use kubectl_sts::sim::store::Kind;
    let mut c = super::live::scenario("default", &super::stepping::held("nginx:1.26"));
    c.store
        .write_system(Kind::StatefulSet, "default", "web", |s| {
            s["spec"]["template"]["metadata"]["annotations"] =
                serde_json::json!({kubectl_sts::sim::api::PROXY_BODY: r#"{"state":"serving"}"#});
        })
        .unwrap();
    let live = super::live::serve(c).await;
    let file = live.dir.path().join("gates.yaml");
    std::fs::write(
        &file,
        "gates:\n- name: healthz\n  http:\n    podProxy: {port: 8080, path: /healthz}\n    jsonPath: state\n    successCondition: result == \"serving\"\n",
    )
    .unwrap();
    let tmux = Tmux::start(
        &live,
        &[
            "dashboard",
            "web",
            "--stable-for",
            "0s",
            "--gates",
            &file.to_string_lossy(),
        ],
    );
    tmux.wait_for("partition 5").await;
    tmux.keys("s");
    tmux.wait_for("Proceed? [y/N]").await;
    tmux.keys("y");
    // The simulated kubelet moves as the clock does.
    let mut screen = String::new();
    for _ in 0..150 {
        live.server.advance(jiff::SignedDuration::from_secs(1));
        screen = tmux.screen();
        if screen.contains("✓ done") || screen.contains("✗ stopped") {
            // Once more, in case the capture caught the frame half drawn.
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            screen = tmux.screen();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for want in [
        " Step ",
        "Step: statefulset/web partition 5 → 4",
        "ready",
        "healthz  web-4     ✓ passed  GET /api/v1/namespaces/default/pods/web-4:8080/proxy/healthz: state = \"serving\"",
        "✓ done",
    ] {
        assert!(screen.contains(want), "{want:?} in:\n{screen}");
    }
    tmux.keys("q");
}

#[test]
fn r_asks_for_the_sizes_then_shows_the_plan_before_a_resize() {
    let mut app = app_with(&rollout(5, 5, 5), true);
    update(&mut app, key('r'));
    assert!(matches!(app.dialog, Some(Dialog::Sizes { .. })));
    for c in "data".chars() {
        update(&mut app, key(c));
    }
    let (_, cmds) = update(&mut app, code(KeyCode::Enter));
    assert!(cmds.is_empty());
    assert!(
        matches!(&app.dialog, Some(Dialog::Sizes { input }) if input == "data"),
        "not CLAIM=SIZE: the dialog stays: {:?}",
        app.dialog
    );
    for c in "=20Gi".chars() {
        update(&mut app, key(c));
    }
    let (_, cmds) = update(&mut app, code(KeyCode::Enter));
    assert!(cmds.is_empty(), "nothing runs before the confirmation");
    assert!(
        matches!(&app.dialog, Some(Dialog::Confirm { op: Op::Resize { sizes }, plan, .. })
            if sizes == &["data=20Gi"] && plan[1].contains("propagationPolicy Orphan")),
        "{:?}",
        app.dialog
    );
    let (_, cmds) = update(&mut app, key('y'));
    assert!(
        matches!(
            &cmds[..],
            [Command::Run {
                op: Op::Resize { .. },
                ..
            }]
        ),
        "{cmds:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_to_end_in_tmux_r_resizes_the_volumes() {
    let live = super::live::serve(super::live::scenario("volumes", &[])).await;
    let tmux = Tmux::start(&live, &["dashboard", "db"]);
    tmux.wait_for("2     ● update").await;
    tmux.keys("r");
    tmux.wait_for("Grow which claims").await;
    tmux.keys("data=2Gi");
    tmux.keys("Enter");
    tmux.wait_for("Proceed? [y/N]").await;
    assert!(
        live.server
            .shared
            .requests()
            .iter()
            .all(|r| r.method == "GET"),
        "nothing before the confirmation"
    );
    tmux.keys("y");
    let grown = |live: &super::live::Live| {
        live.server.shared.read(|c| {
            let set = c
                .store
                .get(kubectl_sts::sim::store::Kind::StatefulSet, "default", "db");
            set.is_some_and(|s| {
                s["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"]
                    == "2Gi"
                    && s["status"]["readyReplicas"] == 3
            })
        })
    };
    for _ in 0..150 {
        if grown(&live) {
            break;
        }
        live.server.advance(jiff::SignedDuration::from_secs(1));
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        grown(&live),
        "the set was re-created with 2Gi:\n{}",
        tmux.screen()
    );
    tmux.keys("q");
}
