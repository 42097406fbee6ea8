//! Gates under hostile input: a URL whose host would come from a value the set's author
//! chose is refused before it is sent; a gate that could only fail once run, or pass
//! having checked nothing, is refused when parsed; every spelling of a placeholder is
//! filled. (That values reach commands only as data, with the machine's real shell, is
//! tested in `exec`.)

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;

use super::run::{Subject, run};
use super::tests::no_api;
use super::*;
use crate::event::Event;
use crate::ops::checks::{Exit, Runner};

/// Records every URL asked; runs no command.
struct Recorder {
    asked: Arc<Mutex<Vec<String>>>,
}

impl Runner for Recorder {
    fn command<'a>(
        &'a self,
        _: &'a str,
        _: &'a [(String, String)],
        _: Duration,
    ) -> BoxFuture<'a, std::result::Result<Exit, String>> {
        Box::pin(async { Err("no commands here".to_string()) })
    }
    fn http_get<'a>(
        &'a self,
        url: &'a str,
        _: Duration,
    ) -> BoxFuture<'a, std::result::Result<(u16, String), String>> {
        self.asked.lock().unwrap().push(url.to_string());
        Box::pin(async { Ok((200, String::new())) })
    }
}

/// The set's author chose every field.
fn hostile() -> Subject {
    let set = "x;touch${IFS}owned;#".to_string();
    Subject {
        namespace: "x;touch${IFS}owned-ns;#".into(),
        service: "x;touch@127.0.0.1:1/hijack?".into(),
        revision: "$(touch owned-rev)".into(),
        controlled: [format!("{set}-2")].into(),
        set,
    }
}

#[tokio::test]
async fn a_url_whose_host_comes_from_the_set_is_refused_when_the_value_is_not_a_host() {
    let subject = hostile();
    let asked = Arc::new(Mutex::new(Vec::new()));
    let runner = Recorder {
        asked: asked.clone(),
    };
    let gates = from_flags(
        None,
        Some("http://{pod}.{service}.svc:8080/healthz"),
        Duration::from_secs(1),
    )
    .unwrap();
    let mut events: Vec<Event> = Vec::new();
    let err = run(&gates, &runner, &no_api(), &mut events, &subject, &[2])
        .await
        .unwrap_err();
    assert!(
        err.message.contains("cannot be part of a host name"),
        "{}",
        err.message
    );
    assert!(asked.lock().unwrap().is_empty(), "nothing is sent");
}

#[test]
fn gates_that_would_fail_only_once_run_or_check_nothing_are_refused_naming_the_line() {
    let cases = [
        (
            "prometheus: {address: 'https://p:9090', query: up, successCondition: result < 1}",
            "only http://",
        ),
        (
            "prometheus: {address: 'p:9090', query: up, successCondition: result < 1}",
            "not a URL",
        ),
        (
            "prometheus: {address: 'http://p:9090', query: '  ', successCondition: result < 1}",
            "query is empty",
        ),
        (
            "prometheus: {address: 'http://p:9090', query: up, successCondition: result != NaN}",
            "not a finite number",
        ),
        (
            "prometheus: {address: 'http://p:9090', query: up, successCondition: result != \"x\"}",
            "compare it with one",
        ),
        ("command: {run: ''}", "command.run is empty"),
        (
            "command: {run: 'true'}\n  timeout: 0s",
            "timeout: 0s is zero",
        ),
        (
            "command: {run: 'true'}\n  interval: 0s",
            "interval: 0s is zero",
        ),
        (
            "http: {url: 'http://x/', expectStatus: 0}",
            "expectStatus 0",
        ),
        (
            "http: {podProxy: {port: 0, path: /h}}",
            "podProxy.port is 0",
        ),
        ("http: {url: 'not a url'}", "not a URL"),
    ];
    for (body, want) in cases {
        let text = format!("gates:\n- name: g\n  {body}\n");
        let e = parse("g.yaml", &text).unwrap_err();
        assert!(e.starts_with("g.yaml:") && e.contains(want), "{body}: {e}");
        assert!(
            e.split(':')
                .nth(1)
                .is_some_and(|n| n.parse::<usize>().is_ok()),
            "names the line: {e}"
        );
    }
    for (url, want) in [("https://x/", "only http://"), ("not a url", "not a URL")] {
        let e = from_flags(None, Some(url), Duration::from_secs(1)).unwrap_err();
        assert!(e.starts_with("--check-http: ") && e.contains(want), "{e}");
    }
    assert!(
        from_flags(Some("true"), None, Duration::ZERO)
            .unwrap_err()
            .contains("--check-timeout")
    );
}

#[test]
fn every_spelling_of_a_placeholder_is_filled() {
    let g = inline(
        "--gate #1",
        "{name: s, command: {run: 'x {{ pod }} {{ordinal}}'}}",
    )
    .unwrap();
    assert!(g.per_pod, "{{{{ pod }}}} names a pod");
    let facts = [("pod", "web-1".to_string()), ("ordinal", "1".to_string())];
    let Check::Command { run, .. } = &g.check else {
        panic!()
    };
    assert_eq!(template::shell(run, &facts), "x 'web-1' '1'");
    let gates = from_flags(
        None,
        Some("http://{pod}.web:80/{{ordinal}}"),
        Duration::from_secs(1),
    )
    .unwrap();
    let Check::Http {
        target: HttpTarget::Url(u),
        ..
    } = &gates[0].check
    else {
        panic!()
    };
    assert_eq!(template::url(u, &facts).unwrap(), "http://web-1.web:80/1");
}
