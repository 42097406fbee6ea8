# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_sts_global_optspecs
    string join \n no-color v/verbose kubeconfig= context= cluster= user= n/namespace= as= as-group= request-timeout= h/help V/version
end

function __fish_kubectl_sts_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_sts_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_sts_using_subcommand
    set -l cmd (__fish_kubectl_sts_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "status" -d 'Per-ordinal revision state, the controller\'s next action and why a rollout is stuck; without NAME, one line per StatefulSet'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "rollout" -d 'Roll out step by step with health gates (`rollout NAME --step`), preview a rollout, pause/resume, wait for it, history, diffs and undo'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "plan" -d 'Plan one controller sync pass: ordered actions, what it waits on, the status it would write, and a diagnosis'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "sim" -d 'The simulated cluster: a Kubernetes API server on loopback for kubectl and kubectl sts'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "force-rollback" -d 'Recover a rollout stuck on a bad revision: revert the template AND delete the pods stuck on it (kubernetes#67250), then wait for recovery'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "delete" -d 'Ordered teardown: scale to 0, wait until the pods are gone (highest ordinal first), then delete the StatefulSet; claims are kept unless --delete-pvcs'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "resize" -d 'Grow a StatefulSet\'s volumes with no pod restarted: patch each claim, wait for the resize, re-create the set (orphaning delete, create) with the new sizes'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "recreate" -d 'Change a StatefulSet\'s immutable fields with its pods kept running: delete it with propagationPolicy Orphan and create it again from a file; it adopts its pods'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "gates" -d 'The gate presets shipped with the tool, for `rollout NAME --all --gates preset:NAME`, and the gate file\'s format'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell)'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "demo" -d 'Try kubectl sts with no cluster: a built-in simulated cluster and a scenario'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "version" -d 'The tool\'s version, the commit it was built from, and the Kubernetes releases its controller model follows'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "__complete" -d 'Completion candidates for the words after `--` (used by `kubectl_complete-sts`, kubectl\'s plugin-completion hook): `kubectl-sts __complete -- rollout undo web --to-revision ""`'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "dashboard" -d 'A live terminal UI: the StatefulSets, the per-ordinal grid with the partition line, the next action, the diagnosis and events; step, pause, roll back from it'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -s A -l all-namespaces -d 'All namespaces (without NAME)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -s w -l watch -d 'Keep watching and redraw whenever something changes (event-driven, no polling)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand status" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -s l -l selector -d 'Roll out every StatefulSet of the namespace this label selector matches (with --all), as with several NAMEs' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l order -d 'With several sets: order them by this label\'s value (then by name), e.g. topology.kubernetes.io/zone; default: the order given (by name for -l)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l respect-pdb -d 'With several sets: before each step, wait until every PodDisruptionBudget matching a pod the step replaces allows it (on by default; --respect-pdb=false skips)' -r -f -a "true\t''
false\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l pdb-timeout -d 'How long a step waits for its disruption budgets before the rollout stops' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l step -d 'Lower the partition so N more ordinals get the update revision (default 1), then wait until they are healthy and stable' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l to -d 'Lower the partition straight to P (an absolute partition, 0 or more)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l pause-between -d 'With --all: wait this long between steps instead of asking' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l stable-for -d 'A pod passes only after staying Ready with no restart this long' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l check-cmd -d 'Gate: run this shell command per newly updated pod (STS_POD, STS_ORDINAL, STS_NAMESPACE, STS_STATEFULSET, STS_SERVICE, STS_DNS, STS_REVISION in its environment); non-zero fails. Shorthand for a `command` gate named check-cmd' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l check-http -d 'Gate: GET this URL per newly updated pod; any status but 2xx fails. {pod}, {ordinal}, {service}, {namespace} and {dns} (the pod\'s stable DNS name) are filled in. Shorthand for an `http` gate named check-http' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l gates -d 'Gates from a file (YAML: `gates:` of prometheus, http — a URL or a path on each pod through the pod proxy —, command), or a shipped preset (`preset:NAME`, see `kubectl sts gates list`); run on each step once its pods are healthy. Repeatable' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l gate -d 'One gate inline: the YAML of one entry of a gate file, e.g. `{name: up, http: {url: \'http://{{dns}}:8080/up\'}, whileBaking: true}`. Repeatable' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l step-timeout -d 'Fail a step that has not passed its gates after this long' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l check-timeout -d 'Kill a --check-cmd or --check-http that has not answered after this long (the check fails). Gates from files set their own `timeout`' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l dry-run -d 'client: show the next step only; server: send its write with dryRun=All' -r -f -a "client\t''
server\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -s o -l output -d 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)' -r -f -a "text\t''
json\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l all -d 'Step again and again until the partition is 0 (every ordinal updated)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l auto-rollback -d 'On failure, perform the forced rollback (revert the template, delete the pods on the bad revision, restore the original partition) instead of stopping'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l skip-gates -d 'Re-gate an interrupted or failed step without the gates it was started with (they are recorded on the set); without this flag such a re-run stops and names them'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -s y -l yes -d 'Do not ask for confirmation on a terminal'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -a "preview" -d 'Simulate the whole rollout with the controller model: a timeline of each step, the most pods unavailable at once, restarts, duration, and where it would wedge under --fail assumptions. Nothing is changed'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -a "step" -d 'One step of a partitioned rollout (same as `rollout NAME --step N`)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -a "history" -d 'ControllerRevisions with number, name, change-cause and the ordinals running each'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -a "diff" -d 'Unified diff of two revisions\' pod templates (default: current → update); KUBECTL_EXTERNAL_DIFF is honoured'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -a "status" -d 'Wait until the rollout is complete (partition-aware, availability-aware; OnDelete lists the pods still to delete); exit 1 when stuck or on --timeout'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -a "pause" -d 'Stop the rollout where it is: the partition is pinned at the current frontier (no updated pod goes back), or at replicas when no rollout is pending (a template changed while paused waits for resume); the partition to restore is kept in an annotation'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -a "resume" -d 'Undo `pause`: restore the recorded partition (0 when none was recorded)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -a "undo" -d 'Revert the template to a revision (no pod is deleted; see force-rollback)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from preview step history diff status pause resume undo help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -s f -l filename -d 'Preview offline from a snapshot file (as for `plan -f`); `-` reads standard input' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l template -d 'Roll out this StatefulSet manifest\'s pod template' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l image -d 'Roll out a new image for one container, e.g. nginx=nginx:1.27 (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l ready-after -d 'Assume pods become Ready this long after creation; default: the median observed in the set\'s pods, else 10s' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l terminate-after -d 'Assume a deleted pod is gone this long after deletion' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l fail -d 'Assume pods (re)created at these ordinals never become Ready, e.g. --fail 3,4' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l fail-revision -d 'Assume every pod of the update revision never becomes Ready' -r -f -a "update\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -s o -l output -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from preview" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l by -d 'How many more ordinals to include (default 1)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l to -d 'Lower the partition straight to P (an absolute partition, 0 or more)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l pause-between -d 'With --all: wait this long between steps instead of asking' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l stable-for -d 'A pod passes only after staying Ready with no restart this long' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l check-cmd -d 'Gate: run this shell command per newly updated pod (STS_POD, STS_ORDINAL, STS_NAMESPACE, STS_STATEFULSET, STS_SERVICE, STS_DNS, STS_REVISION in its environment); non-zero fails. Shorthand for a `command` gate named check-cmd' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l check-http -d 'Gate: GET this URL per newly updated pod; any status but 2xx fails. {pod}, {ordinal}, {service}, {namespace} and {dns} (the pod\'s stable DNS name) are filled in. Shorthand for an `http` gate named check-http' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l gates -d 'Gates from a file (YAML: `gates:` of prometheus, http — a URL or a path on each pod through the pod proxy —, command), or a shipped preset (`preset:NAME`, see `kubectl sts gates list`); run on each step once its pods are healthy. Repeatable' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l gate -d 'One gate inline: the YAML of one entry of a gate file, e.g. `{name: up, http: {url: \'http://{{dns}}:8080/up\'}, whileBaking: true}`. Repeatable' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l step-timeout -d 'Fail a step that has not passed its gates after this long' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l check-timeout -d 'Kill a --check-cmd or --check-http that has not answered after this long (the check fails). Gates from files set their own `timeout`' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l dry-run -d 'client: show the next step only; server: send its write with dryRun=All' -r -f -a "client\t''
server\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -s o -l output -d 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)' -r -f -a "text\t''
json\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l all -d 'Step again and again until the partition is 0 (every ordinal updated)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l auto-rollback -d 'On failure, perform the forced rollback (revert the template, delete the pods on the bad revision, restore the original partition) instead of stopping'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l skip-gates -d 'Re-gate an interrupted or failed step without the gates it was started with (they are recorded on the set); without this flag such a re-run stops and names them'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -s y -l yes -d 'Do not ask for confirmation on a terminal'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from step" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -s o -l output -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from history" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -l from -d 'Revision number or name' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -l to -d 'Revision number or name' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from diff" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -s l -l selector -d 'Every StatefulSet of the namespace this label selector matches' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l timeout -d 'Give up after this long (exit 1). A watch that keeps failing (no permission, say) stops it sooner, with the error' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s l -l selector -d 'Every StatefulSet of the namespace this label selector matches' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l dry-run -d 'client: show the change only; server: send it with dryRun=All' -r -f -a "client\t''
server\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s o -l output -d 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)' -r -f -a "text\t''
json\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s y -l yes -d 'Do not ask for confirmation on a terminal'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s l -l selector -d 'Every StatefulSet of the namespace this label selector matches' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l dry-run -d 'client: show the change only; server: send it with dryRun=All' -r -f -a "client\t''
server\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s o -l output -d 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)' -r -f -a "text\t''
json\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s y -l yes -d 'Do not ask for confirmation on a terminal'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from resume" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l to-revision -d 'Revision number; 0 is the previous one' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l dry-run -d 'client: show what would change; server: send it with dryRun=All' -r -f -a "client\t''
server\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s o -l output -d 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)' -r -f -a "text\t''
json\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s y -l yes -d 'Do not ask for confirmation on a terminal'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "preview" -d 'Simulate the whole rollout with the controller model: a timeline of each step, the most pods unavailable at once, restarts, duration, and where it would wedge under --fail assumptions. Nothing is changed'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "step" -d 'One step of a partitioned rollout (same as `rollout NAME --step N`)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "history" -d 'ControllerRevisions with number, name, change-cause and the ordinals running each'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "diff" -d 'Unified diff of two revisions\' pod templates (default: current → update); KUBECTL_EXTERNAL_DIFF is honoured'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "status" -d 'Wait until the rollout is complete (partition-aware, availability-aware; OnDelete lists the pods still to delete); exit 1 when stuck or on --timeout'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Stop the rollout where it is: the partition is pinned at the current frontier (no updated pod goes back), or at replicas when no rollout is pending (a template changed while paused waits for resume); the partition to restore is kept in an annotation'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Undo `pause`: restore the recorded partition (0 when none was recorded)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "undo" -d 'Revert the template to a revision (no pod is deleted; see force-rollback)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -s f -l filename -d 'Plan offline from a snapshot file: `kubectl get sts,pods,controllerrevisions,pvc -o yaml` output (a v1 List, YAML or JSON; name the set when it holds several), multi-document YAML or a bare StatefulSet; `-` reads standard input' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -l template -d 'Plan as if this StatefulSet manifest\'s pod template were applied (live only): the server dry-runs it, so the new revision\'s name is exact; the template diff is shown' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand plan" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from serve help" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from serve help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from serve help" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from serve help" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from serve help" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from serve help" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from serve help" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from serve help" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from serve help" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from serve help" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from serve help" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from serve help" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from serve help" -f -a "serve" -d 'Serve a scenario on 127.0.0.1 and write a kubeconfig for it (path printed as `kubeconfig: PATH`); serves until interrupted'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from serve help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l scenario -d 'A built-in scenario (default, partitioned, stuck, parallel, ondelete, tour) or a file' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l port -d 'Port on 127.0.0.1 (0: any free port)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l write-kubeconfig -d 'Where to write the kubeconfig (default: in the temp directory, named after the port)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l controller-delay -d 'How long the controller and the kubelet take to react to a write, jittered ±50% (0: before the write is answered). A real cluster lags: right after a change, its status still shows the generation before it' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l ready-after -d 'How long a new pod takes to become Ready' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l max-grace -d 'Cap on pods\' termination grace periods' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l fault-rate -d 'Share of API requests (0 to 1) answered with an error from --fault-codes' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l fault-codes -d 'HTTP codes injected faults answer with' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l drop-watch-after -d 'Cut every watch after this many events' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l forbid -d 'Answer 403 to every request for this resource (a plural, e.g. persistentvolumeclaims), as RBAC would for a user without that permission (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l latency -d 'Added to every response' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l seed -d 'Seed of the fault injector (same seed, same faults)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Serve a scenario on 127.0.0.1 and write a kubeconfig for it (path printed as `kubeconfig: PATH`); serves until interrupted'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l to-revision -d 'Revision number to go back to (default: the last fully rolled-out revision)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l dry-run -d 'client: show the plan only; server: send the template patch with dryRun=All' -r -f -a "client\t''
server\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -s o -l output -d 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)' -r -f -a "text\t''
json\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l timeout -d 'How long to wait for the controller and the recovery' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l all-bad -d 'Also delete Ready pods still on the bad revision'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l force -d 'Roll back even when nothing is stuck'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -s y -l yes -d 'Do not ask for confirmation on a terminal'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l no-wait -d 'Return after the deletions instead of waiting for recovery'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-rollback" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l dry-run -d 'client: show the plan only; server: send the scale with dryRun=All' -r -f -a "client\t''
server\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -s o -l output -d 'text (for people), or json: the event stream, one JSON object per line (start, plan, consent, write, wait, observed, gate, warning, error, end; see the README)' -r -f -a "text\t''
json\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l timeout -d 'How long to wait for the pods to go' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l cascade -d 'Propagation policy for the StatefulSet\'s deletion' -r -f -a "Background\t''
Foreground\t''
Orphan\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l delete-pvcs -d 'Also delete this set\'s claims (`<template>-<set>-<ordinal>`), after the pods are gone'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -s y -l yes -d 'Do not ask for confirmation on a terminal'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l force -d 'When pods are still terminating at --timeout (an unreachable node, say), delete them with grace period 0. Finalizers still hold a pod, as in Kubernetes'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l abort -d 'Undo an interrupted teardown: scale the set back to the replicas it had (recorded in its kubectl-sts.io/teardown-from-replicas annotation when it was scaled to 0)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand delete" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -l dry-run -d 'client: show the plan only; server: send every write with dryRun=All' -r -f -a "client\t''
server\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -s o -l output -d 'text (for people), or json: the event stream, one JSON object per line' -r -f -a "text\t''
json\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -l timeout -d 'How long each wait may take (a resize, the old set\'s removal, the adoption)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -l restart-pods -d 'Restart the pods whose volumes wait for a file-system resize (offline expansion), one at a time, highest ordinal first, each Ready before the next'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -s y -l yes -d 'Do not ask for confirmation on a terminal'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -s f -l filename -d 'The StatefulSet as it should be (YAML or JSON; `-` for standard input)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -l dry-run -d 'client: show the plan only; server: send every write with dryRun=All' -r -f -a "client\t''
server\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -s o -l output -d 'text (for people), or json: the event stream, one JSON object per line' -r -f -a "text\t''
json\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -l timeout -d 'How long each wait may take (a resize, the old set\'s removal, the adoption)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -l resume -d 'Finish an interrupted re-creation (from the journal, or the pods\' annotation)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -s y -l yes -d 'Do not ask for confirmation on a terminal'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recreate" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and not __fish_seen_subcommand_from list show help" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and not __fish_seen_subcommand_from list show help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and not __fish_seen_subcommand_from list show help" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and not __fish_seen_subcommand_from list show help" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and not __fish_seen_subcommand_from list show help" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and not __fish_seen_subcommand_from list show help" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and not __fish_seen_subcommand_from list show help" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and not __fish_seen_subcommand_from list show help" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and not __fish_seen_subcommand_from list show help" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and not __fish_seen_subcommand_from list show help" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and not __fish_seen_subcommand_from list show help" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and not __fish_seen_subcommand_from list show help" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and not __fish_seen_subcommand_from list show help" -f -a "list" -d 'Each preset: its name, its gates and what it checks'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and not __fish_seen_subcommand_from list show help" -f -a "show" -d 'A preset\'s gate file, to use as it is or copy and edit (its Prometheus address, its ports)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and not __fish_seen_subcommand_from list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from list" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from list" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from list" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from list" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from list" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from list" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from list" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from list" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from list" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from show" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from show" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from show" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from show" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from show" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from show" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from show" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from show" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from show" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from show" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from help" -f -a "list" -d 'Each preset: its name, its gates and what it checks'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from help" -f -a "show" -d 'A preset\'s gate file, to use as it is or copy and edit (its Prometheus address, its ports)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand gates; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -l scenario -d 'A built-in scenario (default, partitioned, stuck, parallel, ondelete, tour) or a scenario file' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -l headless -d 'Print the scenario\'s story as text instead of opening the dashboard'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand version" -s o -l output -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand version" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand version" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand version" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand version" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand version" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand version" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand version" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand version" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand version" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand version" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand version" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand version" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand __complete" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand __complete" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand __complete" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand __complete" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand __complete" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand __complete" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand __complete" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand __complete" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand __complete" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand __complete" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand __complete" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand __complete" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -s l -l selector -d 'List only the StatefulSets this label selector matches: the group view (`a`) shows and rolls out those of one namespace together' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -l stable-for -d 'A step taken here passes only after its pods stay Ready with no restart this long' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -l gates -d 'Gates from a file (YAML: `gates:` of prometheus, http — a URL or a path on each pod through the pod proxy —, command), or a shipped preset (`preset:NAME`, see `kubectl sts gates list`); run on each step once its pods are healthy. Repeatable' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -l gate -d 'One gate inline: the YAML of one entry of a gate file, e.g. `{name: up, http: {url: \'http://{{dns}}:8080/up\'}, whileBaking: true}`. Repeatable' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -l now -d 'The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds availability and the ages in the diagnosis' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -l kubernetes-version -d 'Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision bytes and feature-gate defaults differ between releases. Default: the server\'s release, or 1.36 offline' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -l feature-gates -d 'Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -l kubeconfig -d 'Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -l as -d 'Impersonate this user' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -l as-group -d 'Impersonate this group (repeatable)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -l request-timeout -d 'Give up on a request after this long (default 30s; watches are not cut by it)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -s A -l all-namespaces -d 'List the StatefulSets of every namespace'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -l no-color -d 'Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -s v -l verbose -d 'On failure, also print the underlying error in full'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand dashboard" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from status rollout plan sim force-rollback delete resize recreate gates completion demo version __complete dashboard help" -f -a "status" -d 'Per-ordinal revision state, the controller\'s next action and why a rollout is stuck; without NAME, one line per StatefulSet'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from status rollout plan sim force-rollback delete resize recreate gates completion demo version __complete dashboard help" -f -a "rollout" -d 'Roll out step by step with health gates (`rollout NAME --step`), preview a rollout, pause/resume, wait for it, history, diffs and undo'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from status rollout plan sim force-rollback delete resize recreate gates completion demo version __complete dashboard help" -f -a "plan" -d 'Plan one controller sync pass: ordered actions, what it waits on, the status it would write, and a diagnosis'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from status rollout plan sim force-rollback delete resize recreate gates completion demo version __complete dashboard help" -f -a "sim" -d 'The simulated cluster: a Kubernetes API server on loopback for kubectl and kubectl sts'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from status rollout plan sim force-rollback delete resize recreate gates completion demo version __complete dashboard help" -f -a "force-rollback" -d 'Recover a rollout stuck on a bad revision: revert the template AND delete the pods stuck on it (kubernetes#67250), then wait for recovery'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from status rollout plan sim force-rollback delete resize recreate gates completion demo version __complete dashboard help" -f -a "delete" -d 'Ordered teardown: scale to 0, wait until the pods are gone (highest ordinal first), then delete the StatefulSet; claims are kept unless --delete-pvcs'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from status rollout plan sim force-rollback delete resize recreate gates completion demo version __complete dashboard help" -f -a "resize" -d 'Grow a StatefulSet\'s volumes with no pod restarted: patch each claim, wait for the resize, re-create the set (orphaning delete, create) with the new sizes'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from status rollout plan sim force-rollback delete resize recreate gates completion demo version __complete dashboard help" -f -a "recreate" -d 'Change a StatefulSet\'s immutable fields with its pods kept running: delete it with propagationPolicy Orphan and create it again from a file; it adopts its pods'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from status rollout plan sim force-rollback delete resize recreate gates completion demo version __complete dashboard help" -f -a "gates" -d 'The gate presets shipped with the tool, for `rollout NAME --all --gates preset:NAME`, and the gate file\'s format'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from status rollout plan sim force-rollback delete resize recreate gates completion demo version __complete dashboard help" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from status rollout plan sim force-rollback delete resize recreate gates completion demo version __complete dashboard help" -f -a "demo" -d 'Try kubectl sts with no cluster: a built-in simulated cluster and a scenario'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from status rollout plan sim force-rollback delete resize recreate gates completion demo version __complete dashboard help" -f -a "version" -d 'The tool\'s version, the commit it was built from, and the Kubernetes releases its controller model follows'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from status rollout plan sim force-rollback delete resize recreate gates completion demo version __complete dashboard help" -f -a "__complete" -d 'Completion candidates for the words after `--` (used by `kubectl_complete-sts`, kubectl\'s plugin-completion hook): `kubectl-sts __complete -- rollout undo web --to-revision ""`'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from status rollout plan sim force-rollback delete resize recreate gates completion demo version __complete dashboard help" -f -a "dashboard" -d 'A live terminal UI: the StatefulSets, the per-ordinal grid with the partition line, the next action, the diagnosis and events; step, pause, roll back from it'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from status rollout plan sim force-rollback delete resize recreate gates completion demo version __complete dashboard help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "preview" -d 'Simulate the whole rollout with the controller model: a timeline of each step, the most pods unavailable at once, restarts, duration, and where it would wedge under --fail assumptions. Nothing is changed'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "step" -d 'One step of a partitioned rollout (same as `rollout NAME --step N`)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "history" -d 'ControllerRevisions with number, name, change-cause and the ordinals running each'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "diff" -d 'Unified diff of two revisions\' pod templates (default: current → update); KUBECTL_EXTERNAL_DIFF is honoured'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "status" -d 'Wait until the rollout is complete (partition-aware, availability-aware; OnDelete lists the pods still to delete); exit 1 when stuck or on --timeout'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "pause" -d 'Stop the rollout where it is: the partition is pinned at the current frontier (no updated pod goes back), or at replicas when no rollout is pending (a template changed while paused waits for resume); the partition to restore is kept in an annotation'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "resume" -d 'Undo `pause`: restore the recorded partition (0 when none was recorded)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "undo" -d 'Revert the template to a revision (no pod is deleted; see force-rollback)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from sim" -f -a "serve" -d 'Serve a scenario on 127.0.0.1 and write a kubeconfig for it (path printed as `kubeconfig: PATH`); serves until interrupted'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from gates" -f -a "list" -d 'Each preset: its name, its gates and what it checks'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from gates" -f -a "show" -d 'A preset\'s gate file, to use as it is or copy and edit (its Prometheus address, its ports)'
