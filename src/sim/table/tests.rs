//! The printers against what kube-apiserver prints.

use super::*;

#[test]
fn ages_read_as_kubectl_prints_them() {
    let d = jiff::SignedDuration::from_secs;
    for (secs, want) in [
        (-5, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (119, "119s"),
        (120, "2m"),
        (125, "2m5s"),
        (600, "10m"),
        (3 * 3600 - 1, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 120, "3h2m"),
        (8 * 3600, "8h"),
        (48 * 3600, "2d"),
        (50 * 3600, "2d2h"),
        (8 * 24 * 3600, "8d"),
        (800 * 24 * 3600, "2y70d"),
        (3000 * 24 * 3600, "8y"),
    ] {
        assert_eq!(human(d(secs)), want, "{secs}s");
    }
}

#[test]
fn a_crash_looping_pod_prints_its_reason_and_last_restart() {
    let now: Timestamp = "2026-01-01T00:10:00Z".parse().unwrap();
    let pod = json!({
        "metadata": {"name": "web-1", "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"containers": [{"name": "app"}], "nodeName": "node-a"},
        "status": {"phase": "Running", "podIP": "10.0.0.7", "containerStatuses": [{
            "name": "app", "ready": false, "restartCount": 3,
            "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": "2026-01-01T00:09:00Z"}}}]},
    });
    let cells = pod_cells(&pod, now);
    assert_eq!(
        cells,
        vec![
            json!("web-1"),
            json!("0/1"),
            json!("CrashLoopBackOff"),
            json!("3 (60s ago)"),
            json!("10m"),
            json!("10.0.0.7"),
            json!("node-a"),
            json!("<none>"),
            json!("<none>")
        ]
    );
    let mut gone = pod.clone();
    gone["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:09:30Z");
    assert_eq!(pod_cells(&gone, now)[2], json!("Terminating"));
}

#[test]
fn claim_columns_follow_the_release() {
    let now: Timestamp = "2026-01-01T00:01:00Z".parse().unwrap();
    let claim = json!({
        "metadata": {"name": "data-web-0", "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"volumeName": "pv-1", "storageClassName": "standard", "volumeMode": "Filesystem"},
        "status": {"phase": "Bound", "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"]},
    });
    let t28 = table(Kind::PersistentVolumeClaim, &[&claim], json!({}), now, 28);
    let t37 = table(Kind::PersistentVolumeClaim, &[&claim], json!({}), now, 37);
    assert_eq!(t28["columnDefinitions"].as_array().unwrap().len(), 8);
    assert_eq!(t37["columnDefinitions"][6]["name"], "VolumeAttributesClass");
    assert_eq!(
        t37["rows"][0]["cells"],
        json!([
            "data-web-0",
            "Bound",
            "pv-1",
            "1Gi",
            "RWO",
            "standard",
            "<unset>",
            "60s",
            "Filesystem"
        ])
    );
    assert_eq!(t37["rows"][0]["object"]["kind"], "PartialObjectMetadata");
}
