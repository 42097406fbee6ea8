
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-sts' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-sts'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kubectl-sts' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Per-ordinal revision state, the controller''s next action and why a rollout is stuck; without NAME, one line per StatefulSet')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Roll out step by step with health gates (`rollout NAME --step`), preview a rollout, pause/resume, wait for it, history, diffs and undo')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Plan one controller sync pass: ordered actions, what it waits on, the status it would write, and a diagnosis')
            [CompletionResult]::new('sim', 'sim', [CompletionResultType]::ParameterValue, 'The simulated cluster: a Kubernetes API server on loopback for kubectl and kubectl sts')
            [CompletionResult]::new('force-rollback', 'force-rollback', [CompletionResultType]::ParameterValue, 'Recover a rollout stuck on a bad revision: revert the template AND delete the pods stuck on it (kubernetes#67250), then wait for recovery')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Ordered teardown: scale to 0, wait until the pods are gone (highest ordinal first), then delete the StatefulSet; claims are kept unless --delete-pvcs')
            [CompletionResult]::new('resize', 'resize', [CompletionResultType]::ParameterValue, 'Grow a StatefulSet''s volumes with no pod restarted: patch each claim, wait for the resize, re-create the set (orphaning delete, create) with the new sizes')
            [CompletionResult]::new('recreate', 'recreate', [CompletionResultType]::ParameterValue, 'Change a StatefulSet''s immutable fields with its pods kept running: delete it with propagationPolicy Orphan and create it again from a file; it adopts its pods')
            [CompletionResult]::new('gates', 'gates', [CompletionResultType]::ParameterValue, 'The gate presets shipped with the tool, for `rollout NAME --all --gates preset:NAME`, and the gate file''s format')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Try kubectl sts with no cluster: a built-in simulated cluster and a scenario')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'The tool''s version, the commit it was built from, and the Kubernetes releases its controller model follows')
            [CompletionResult]::new('__complete', '__complete', [CompletionResultType]::ParameterValue, 'Completion candidates for the words after `--` (used by `kubectl_complete-sts`, kubectl''s plugin-completion hook): `kubectl-sts __complete -- rollout undo web --to-revision ""`')
            [CompletionResult]::new('dashboard', 'dashboard', [CompletionResultType]::ParameterValue, 'A live terminal UI: the StatefulSets, the per-ordinal grid with the partition line, the next action, the diagnosis and events; step, pause, roll back from it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sts;status' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces (without NAME)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces (without NAME)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep watching and redraw whenever something changes (event-driven, no polling)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep watching and redraw whenever something changes (event-driven, no polling)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;rollout' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Roll out every StatefulSet of the namespace this label selector matches (with --all), as with several NAMEs')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Roll out every StatefulSet of the namespace this label selector matches (with --all), as with several NAMEs')
            [CompletionResult]::new('--order', '--order', [CompletionResultType]::ParameterName, 'With several sets: order them by this label''s value (then by name), e.g. topology.kubernetes.io/zone; default: the order given (by name for -l)')
            [CompletionResult]::new('--respect-pdb', '--respect-pdb', [CompletionResultType]::ParameterName, 'With several sets: before each step, wait until every PodDisruptionBudget matching a pod the step replaces allows it (on by default; --respect-pdb=false skips)')
            [CompletionResult]::new('--pdb-timeout', '--pdb-timeout', [CompletionResultType]::ParameterName, 'How long a step waits for its disruption budgets before the rollout stops')
            [CompletionResult]::new('--step', '--step', [CompletionResultType]::ParameterName, 'Lower the partition so N more ordinals get the update revision (default 1), then wait until they are healthy and stable')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Lower the partition straight to P (an absolute partition, 0 or more)')
            [CompletionResult]::new('--pause-between', '--pause-between', [CompletionResultType]::ParameterName, 'With --all: wait this long between steps instead of asking')
            [CompletionResult]::new('--stable-for', '--stable-for', [CompletionResultType]::ParameterName, 'A pod passes only after staying Ready with no restart this long')
            [CompletionResult]::new('--check-cmd', '--check-cmd', [CompletionResultType]::ParameterName, 'Gate: run this shell command per newly updated pod (STS_POD, STS_ORDINAL, STS_NAMESPACE, STS_STATEFULSET, STS_SERVICE, STS_DNS, STS_REVISION in its environment); non-zero fails. Shorthand for a `command` gate named check-cmd')
            [CompletionResult]::new('--check-http', '--check-http', [CompletionResultType]::ParameterName, 'Gate: GET this URL per newly updated pod; any status but 2xx fails. {pod}, {ordinal}, {service}, {namespace} and {dns} (the pod''s stable DNS name) are filled in. Shorthand for an `http` gate named check-http')
            [CompletionResult]::new('--gates', '--gates', [CompletionResultType]::ParameterName, 'Gates from a file (YAML: `gates:` of prometheus, http — a URL or a path on each pod through the pod proxy —, command), or a shipped preset (`preset:NAME`, see `kubectl sts gates list`); run on each step once its pods are healthy. Repeatable')
            [CompletionResult]::new('--gate', '--gate', [CompletionResultType]::ParameterName, 'One gate inline: the YAML of one entry of a gate file, e.g. `{name: up, http: {url: ''http://{{dns}}:8080/up''}, whileBaking: true}`. Repeatable')
            [CompletionResult]::new('--step-timeout', '--step-timeout', [CompletionResultType]::ParameterName, 'Fail a step that has not passed its gates after this long')
            [CompletionResult]::new('--check-timeout', '--check-timeout', [CompletionResultType]::ParameterName, 'Kill a --check-cmd or --check-http that has not answered after this long (the check fails). Gates from files set their own `timeout`')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'client: show the next step only; server: send its write with dryRun=All')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Step again and again until the partition is 0 (every ordinal updated)')
            [CompletionResult]::new('--auto-rollback', '--auto-rollback', [CompletionResultType]::ParameterName, 'On failure, perform the forced rollback (revert the template, delete the pods on the bad revision, restore the original partition) instead of stopping')
            [CompletionResult]::new('--skip-gates', '--skip-gates', [CompletionResultType]::ParameterName, 'Re-gate an interrupted or failed step without the gates it was started with (they are recorded on the set); without this flag such a re-run stops and names them')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('preview', 'preview', [CompletionResultType]::ParameterValue, 'Simulate the whole rollout with the controller model: a timeline of each step, the most pods unavailable at once, restarts, duration, and where it would wedge under --fail assumptions. Nothing is changed')
            [CompletionResult]::new('step', 'step', [CompletionResultType]::ParameterValue, 'One step of a partitioned rollout (same as `rollout NAME --step N`)')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'ControllerRevisions with number, name, change-cause and the ordinals running each')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Unified diff of two revisions'' pod templates (default: current → update); KUBECTL_EXTERNAL_DIFF is honoured')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Wait until the rollout is complete (partition-aware, availability-aware; OnDelete lists the pods still to delete); exit 1 when stuck or on --timeout')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop the rollout where it is: the partition is pinned at the current frontier (no updated pod goes back), or at replicas when no rollout is pending (a template changed while paused waits for resume); the partition to restore is kept in an annotation')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Undo `pause`: restore the recorded partition (0 when none was recorded)')
            [CompletionResult]::new('undo', 'undo', [CompletionResultType]::ParameterValue, 'Revert the template to a revision (no pod is deleted; see force-rollback)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sts;rollout;preview' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Preview offline from a snapshot file (as for `plan -f`); `-` reads standard input')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Preview offline from a snapshot file (as for `plan -f`); `-` reads standard input')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'Roll out this StatefulSet manifest''s pod template')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Roll out a new image for one container, e.g. nginx=nginx:1.27 (repeatable)')
            [CompletionResult]::new('--ready-after', '--ready-after', [CompletionResultType]::ParameterName, 'Assume pods become Ready this long after creation; default: the median observed in the set''s pods, else 10s')
            [CompletionResult]::new('--terminate-after', '--terminate-after', [CompletionResultType]::ParameterName, 'Assume a deleted pod is gone this long after deletion')
            [CompletionResult]::new('--fail', '--fail', [CompletionResultType]::ParameterName, 'Assume pods (re)created at these ordinals never become Ready, e.g. --fail 3,4')
            [CompletionResult]::new('--fail-revision', '--fail-revision', [CompletionResultType]::ParameterName, 'Assume every pod of the update revision never becomes Ready')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;rollout;step' {
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'How many more ordinals to include (default 1)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Lower the partition straight to P (an absolute partition, 0 or more)')
            [CompletionResult]::new('--pause-between', '--pause-between', [CompletionResultType]::ParameterName, 'With --all: wait this long between steps instead of asking')
            [CompletionResult]::new('--stable-for', '--stable-for', [CompletionResultType]::ParameterName, 'A pod passes only after staying Ready with no restart this long')
            [CompletionResult]::new('--check-cmd', '--check-cmd', [CompletionResultType]::ParameterName, 'Gate: run this shell command per newly updated pod (STS_POD, STS_ORDINAL, STS_NAMESPACE, STS_STATEFULSET, STS_SERVICE, STS_DNS, STS_REVISION in its environment); non-zero fails. Shorthand for a `command` gate named check-cmd')
            [CompletionResult]::new('--check-http', '--check-http', [CompletionResultType]::ParameterName, 'Gate: GET this URL per newly updated pod; any status but 2xx fails. {pod}, {ordinal}, {service}, {namespace} and {dns} (the pod''s stable DNS name) are filled in. Shorthand for an `http` gate named check-http')
            [CompletionResult]::new('--gates', '--gates', [CompletionResultType]::ParameterName, 'Gates from a file (YAML: `gates:` of prometheus, http — a URL or a path on each pod through the pod proxy —, command), or a shipped preset (`preset:NAME`, see `kubectl sts gates list`); run on each step once its pods are healthy. Repeatable')
            [CompletionResult]::new('--gate', '--gate', [CompletionResultType]::ParameterName, 'One gate inline: the YAML of one entry of a gate file, e.g. `{name: up, http: {url: ''http://{{dns}}:8080/up''}, whileBaking: true}`. Repeatable')
            [CompletionResult]::new('--step-timeout', '--step-timeout', [CompletionResultType]::ParameterName, 'Fail a step that has not passed its gates after this long')
            [CompletionResult]::new('--check-timeout', '--check-timeout', [CompletionResultType]::ParameterName, 'Kill a --check-cmd or --check-http that has not answered after this long (the check fails). Gates from files set their own `timeout`')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'client: show the next step only; server: send its write with dryRun=All')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Step again and again until the partition is 0 (every ordinal updated)')
            [CompletionResult]::new('--auto-rollback', '--auto-rollback', [CompletionResultType]::ParameterName, 'On failure, perform the forced rollback (revert the template, delete the pods on the bad revision, restore the original partition) instead of stopping')
            [CompletionResult]::new('--skip-gates', '--skip-gates', [CompletionResultType]::ParameterName, 'Re-gate an interrupted or failed step without the gates it was started with (they are recorded on the set); without this flag such a re-run stops and names them')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;rollout;history' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;rollout;diff' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Revision number or name')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Revision number or name')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;rollout;status' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Every StatefulSet of the namespace this label selector matches')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Every StatefulSet of the namespace this label selector matches')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (exit 1). A watch that keeps failing (no permission, say) stops it sooner, with the error')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;rollout;pause' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Every StatefulSet of the namespace this label selector matches')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Every StatefulSet of the namespace this label selector matches')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'client: show the change only; server: send it with dryRun=All')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;rollout;resume' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Every StatefulSet of the namespace this label selector matches')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Every StatefulSet of the namespace this label selector matches')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'client: show the change only; server: send it with dryRun=All')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;rollout;undo' {
            [CompletionResult]::new('--to-revision', '--to-revision', [CompletionResultType]::ParameterName, 'Revision number; 0 is the previous one')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'client: show what would change; server: send it with dryRun=All')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;rollout;help' {
            [CompletionResult]::new('preview', 'preview', [CompletionResultType]::ParameterValue, 'Simulate the whole rollout with the controller model: a timeline of each step, the most pods unavailable at once, restarts, duration, and where it would wedge under --fail assumptions. Nothing is changed')
            [CompletionResult]::new('step', 'step', [CompletionResultType]::ParameterValue, 'One step of a partitioned rollout (same as `rollout NAME --step N`)')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'ControllerRevisions with number, name, change-cause and the ordinals running each')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Unified diff of two revisions'' pod templates (default: current → update); KUBECTL_EXTERNAL_DIFF is honoured')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Wait until the rollout is complete (partition-aware, availability-aware; OnDelete lists the pods still to delete); exit 1 when stuck or on --timeout')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop the rollout where it is: the partition is pinned at the current frontier (no updated pod goes back), or at replicas when no rollout is pending (a template changed while paused waits for resume); the partition to restore is kept in an annotation')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Undo `pause`: restore the recorded partition (0 when none was recorded)')
            [CompletionResult]::new('undo', 'undo', [CompletionResultType]::ParameterValue, 'Revert the template to a revision (no pod is deleted; see force-rollback)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sts;rollout;help;preview' {
            break
        }
        'kubectl-sts;rollout;help;step' {
            break
        }
        'kubectl-sts;rollout;help;history' {
            break
        }
        'kubectl-sts;rollout;help;diff' {
            break
        }
        'kubectl-sts;rollout;help;status' {
            break
        }
        'kubectl-sts;rollout;help;pause' {
            break
        }
        'kubectl-sts;rollout;help;resume' {
            break
        }
        'kubectl-sts;rollout;help;undo' {
            break
        }
        'kubectl-sts;rollout;help;help' {
            break
        }
        'kubectl-sts;plan' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Plan offline from a snapshot file: `kubectl get sts,pods,controllerrevisions,pvc -o yaml` output (a v1 List, YAML or JSON; name the set when it holds several), multi-document YAML or a bare StatefulSet; `-` reads standard input')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Plan offline from a snapshot file: `kubectl get sts,pods,controllerrevisions,pvc -o yaml` output (a v1 List, YAML or JSON; name the set when it holds several), multi-document YAML or a bare StatefulSet; `-` reads standard input')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'Plan as if this StatefulSet manifest''s pod template were applied (live only): the server dry-runs it, so the new revision''s name is exact; the template diff is shown')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;sim' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve a scenario on 127.0.0.1 and write a kubeconfig for it (path printed as `kubeconfig: PATH`); serves until interrupted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sts;sim;serve' {
            [CompletionResult]::new('--scenario', '--scenario', [CompletionResultType]::ParameterName, 'A built-in scenario (default, partitioned, stuck, parallel, ondelete, tour) or a file')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port on 127.0.0.1 (0: any free port)')
            [CompletionResult]::new('--write-kubeconfig', '--write-kubeconfig', [CompletionResultType]::ParameterName, 'Where to write the kubeconfig (default: in the temp directory, named after the port)')
            [CompletionResult]::new('--controller-delay', '--controller-delay', [CompletionResultType]::ParameterName, 'How long the controller and the kubelet take to react to a write, jittered ±50% (0: before the write is answered). A real cluster lags: right after a change, its status still shows the generation before it')
            [CompletionResult]::new('--ready-after', '--ready-after', [CompletionResultType]::ParameterName, 'How long a new pod takes to become Ready')
            [CompletionResult]::new('--max-grace', '--max-grace', [CompletionResultType]::ParameterName, 'Cap on pods'' termination grace periods')
            [CompletionResult]::new('--fault-rate', '--fault-rate', [CompletionResultType]::ParameterName, 'Share of API requests (0 to 1) answered with an error from --fault-codes')
            [CompletionResult]::new('--fault-codes', '--fault-codes', [CompletionResultType]::ParameterName, 'HTTP codes injected faults answer with')
            [CompletionResult]::new('--drop-watch-after', '--drop-watch-after', [CompletionResultType]::ParameterName, 'Cut every watch after this many events')
            [CompletionResult]::new('--forbid', '--forbid', [CompletionResultType]::ParameterName, 'Answer 403 to every request for this resource (a plural, e.g. persistentvolumeclaims), as RBAC would for a user without that permission (repeatable)')
            [CompletionResult]::new('--latency', '--latency', [CompletionResultType]::ParameterName, 'Added to every response')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the fault injector (same seed, same faults)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;sim;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve a scenario on 127.0.0.1 and write a kubeconfig for it (path printed as `kubeconfig: PATH`); serves until interrupted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sts;sim;help;serve' {
            break
        }
        'kubectl-sts;sim;help;help' {
            break
        }
        'kubectl-sts;force-rollback' {
            [CompletionResult]::new('--to-revision', '--to-revision', [CompletionResultType]::ParameterName, 'Revision number to go back to (default: the last fully rolled-out revision)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'client: show the plan only; server: send the template patch with dryRun=All')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the controller and the recovery')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--all-bad', '--all-bad', [CompletionResultType]::ParameterName, 'Also delete Ready pods still on the bad revision')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Roll back even when nothing is stuck')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return after the deletions instead of waiting for recovery')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;delete' {
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'client: show the plan only; server: send the scale with dryRun=All')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the pods to go')
            [CompletionResult]::new('--cascade', '--cascade', [CompletionResultType]::ParameterName, 'Propagation policy for the StatefulSet''s deletion')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--delete-pvcs', '--delete-pvcs', [CompletionResultType]::ParameterName, 'Also delete this set''s claims (`<template>-<set>-<ordinal>`), after the pods are gone')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'When pods are still terminating at --timeout (an unreachable node, say), delete them with grace period 0. Finalizers still hold a pod, as in Kubernetes')
            [CompletionResult]::new('--abort', '--abort', [CompletionResultType]::ParameterName, 'Undo an interrupted teardown: scale the set back to the replicas it had (recorded in its kubectl-sts.io/teardown-from-replicas annotation when it was scaled to 0)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;resize' {
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'client: show the plan only; server: send every write with dryRun=All')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each wait may take (a resize, the old set''s removal, the adoption)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--restart-pods', '--restart-pods', [CompletionResultType]::ParameterName, 'Restart the pods whose volumes wait for a file-system resize (offline expansion), one at a time, highest ordinal first, each Ready before the next')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;recreate' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The StatefulSet as it should be (YAML or JSON; `-` for standard input)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'The StatefulSet as it should be (YAML or JSON; `-` for standard input)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'client: show the plan only; server: send every write with dryRun=All')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'text (for people), or json: the event stream, one JSON object per line')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each wait may take (a resize, the old set''s removal, the adoption)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Finish an interrupted re-creation (from the journal, or the pods'' annotation)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation on a terminal')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;gates' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Each preset: its name, its gates and what it checks')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'A preset''s gate file, to use as it is or copy and edit (its Prometheus address, its ports)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sts;gates;list' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;gates;show' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;gates;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Each preset: its name, its gates and what it checks')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'A preset''s gate file, to use as it is or copy and edit (its Prometheus address, its ports)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sts;gates;help;list' {
            break
        }
        'kubectl-sts;gates;help;show' {
            break
        }
        'kubectl-sts;gates;help;help' {
            break
        }
        'kubectl-sts;completion' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;demo' {
            [CompletionResult]::new('--scenario', '--scenario', [CompletionResultType]::ParameterName, 'A built-in scenario (default, partitioned, stuck, parallel, ondelete, tour) or a scenario file')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--headless', '--headless', [CompletionResultType]::ParameterName, 'Print the scenario''s story as text instead of opening the dashboard')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;version' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;__complete' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;dashboard' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'List only the StatefulSets this label selector matches: the group view (`a`) shows and rolls out those of one namespace together')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'List only the StatefulSets this label selector matches: the group view (`a`) shows and rolls out those of one namespace together')
            [CompletionResult]::new('--stable-for', '--stable-for', [CompletionResultType]::ParameterName, 'A step taken here passes only after its pods stay Ready with no restart this long')
            [CompletionResult]::new('--gates', '--gates', [CompletionResultType]::ParameterName, 'Gates from a file (YAML: `gates:` of prometheus, http — a URL or a path on each pod through the pod proxy —, command), or a shipped preset (`preset:NAME`, see `kubectl sts gates list`); run on each step once its pods are healthy. Repeatable')
            [CompletionResult]::new('--gate', '--gate', [CompletionResultType]::ParameterName, 'One gate inline: the YAML of one entry of a gate file, e.g. `{name: up, http: {url: ''http://{{dns}}:8080/up''}, whileBaking: true}`. Repeatable')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server''s release, or 1.36 offline')
            [CompletionResult]::new('--feature-gates', '--feature-gates', [CompletionResultType]::ParameterName, 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Impersonate this group (repeatable)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (default 30s; watches are not cut by it)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'List the StatefulSets of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'List the StatefulSets of every namespace')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'On failure, also print the underlying error in full')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Per-ordinal revision state, the controller''s next action and why a rollout is stuck; without NAME, one line per StatefulSet')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Roll out step by step with health gates (`rollout NAME --step`), preview a rollout, pause/resume, wait for it, history, diffs and undo')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Plan one controller sync pass: ordered actions, what it waits on, the status it would write, and a diagnosis')
            [CompletionResult]::new('sim', 'sim', [CompletionResultType]::ParameterValue, 'The simulated cluster: a Kubernetes API server on loopback for kubectl and kubectl sts')
            [CompletionResult]::new('force-rollback', 'force-rollback', [CompletionResultType]::ParameterValue, 'Recover a rollout stuck on a bad revision: revert the template AND delete the pods stuck on it (kubernetes#67250), then wait for recovery')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Ordered teardown: scale to 0, wait until the pods are gone (highest ordinal first), then delete the StatefulSet; claims are kept unless --delete-pvcs')
            [CompletionResult]::new('resize', 'resize', [CompletionResultType]::ParameterValue, 'Grow a StatefulSet''s volumes with no pod restarted: patch each claim, wait for the resize, re-create the set (orphaning delete, create) with the new sizes')
            [CompletionResult]::new('recreate', 'recreate', [CompletionResultType]::ParameterValue, 'Change a StatefulSet''s immutable fields with its pods kept running: delete it with propagationPolicy Orphan and create it again from a file; it adopts its pods')
            [CompletionResult]::new('gates', 'gates', [CompletionResultType]::ParameterValue, 'The gate presets shipped with the tool, for `rollout NAME --all --gates preset:NAME`, and the gate file''s format')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Try kubectl sts with no cluster: a built-in simulated cluster and a scenario')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'The tool''s version, the commit it was built from, and the Kubernetes releases its controller model follows')
            [CompletionResult]::new('__complete', '__complete', [CompletionResultType]::ParameterValue, 'Completion candidates for the words after `--` (used by `kubectl_complete-sts`, kubectl''s plugin-completion hook): `kubectl-sts __complete -- rollout undo web --to-revision ""`')
            [CompletionResult]::new('dashboard', 'dashboard', [CompletionResultType]::ParameterValue, 'A live terminal UI: the StatefulSets, the per-ordinal grid with the partition line, the next action, the diagnosis and events; step, pause, roll back from it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sts;help;status' {
            break
        }
        'kubectl-sts;help;rollout' {
            [CompletionResult]::new('preview', 'preview', [CompletionResultType]::ParameterValue, 'Simulate the whole rollout with the controller model: a timeline of each step, the most pods unavailable at once, restarts, duration, and where it would wedge under --fail assumptions. Nothing is changed')
            [CompletionResult]::new('step', 'step', [CompletionResultType]::ParameterValue, 'One step of a partitioned rollout (same as `rollout NAME --step N`)')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'ControllerRevisions with number, name, change-cause and the ordinals running each')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Unified diff of two revisions'' pod templates (default: current → update); KUBECTL_EXTERNAL_DIFF is honoured')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Wait until the rollout is complete (partition-aware, availability-aware; OnDelete lists the pods still to delete); exit 1 when stuck or on --timeout')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop the rollout where it is: the partition is pinned at the current frontier (no updated pod goes back), or at replicas when no rollout is pending (a template changed while paused waits for resume); the partition to restore is kept in an annotation')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Undo `pause`: restore the recorded partition (0 when none was recorded)')
            [CompletionResult]::new('undo', 'undo', [CompletionResultType]::ParameterValue, 'Revert the template to a revision (no pod is deleted; see force-rollback)')
            break
        }
        'kubectl-sts;help;rollout;preview' {
            break
        }
        'kubectl-sts;help;rollout;step' {
            break
        }
        'kubectl-sts;help;rollout;history' {
            break
        }
        'kubectl-sts;help;rollout;diff' {
            break
        }
        'kubectl-sts;help;rollout;status' {
            break
        }
        'kubectl-sts;help;rollout;pause' {
            break
        }
        'kubectl-sts;help;rollout;resume' {
            break
        }
        'kubectl-sts;help;rollout;undo' {
            break
        }
        'kubectl-sts;help;plan' {
            break
        }
        'kubectl-sts;help;sim' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve a scenario on 127.0.0.1 and write a kubeconfig for it (path printed as `kubeconfig: PATH`); serves until interrupted')
            break
        }
        'kubectl-sts;help;sim;serve' {
            break
        }
        'kubectl-sts;help;force-rollback' {
            break
        }
        'kubectl-sts;help;delete' {
            break
        }
        'kubectl-sts;help;resize' {
            break
        }
        'kubectl-sts;help;recreate' {
            break
        }
        'kubectl-sts;help;gates' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Each preset: its name, its gates and what it checks')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'A preset''s gate file, to use as it is or copy and edit (its Prometheus address, its ports)')
            break
        }
        'kubectl-sts;help;gates;list' {
            break
        }
        'kubectl-sts;help;gates;show' {
            break
        }
        'kubectl-sts;help;completion' {
            break
        }
        'kubectl-sts;help;demo' {
            break
        }
        'kubectl-sts;help;version' {
            break
        }
        'kubectl-sts;help;__complete' {
            break
        }
        'kubectl-sts;help;dashboard' {
            break
        }
        'kubectl-sts;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
