// Command oracle runs the real StatefulSet controller of one Kubernetes release — its
// own NewStatefulSetController, pod control, status updater and revision history — for
// one sync of a snapshot, and prints what it did in the format of the project's
// conformance vectors (`expected`).
//
// Input (stdin): {"now": RFC3339, "featureGates": {"Name": bool}, "input": v1 List of
// one StatefulSet, its Pods, ControllerRevisions and PVCs}.
// Output (stdout): {"kubernetesCode", "gates", "currentRevision", "updateRevision",
// "statusWritten", "actions": [{type, name, ordinal?, revision?, revisionNumber?}],
// "status", "parallelUnordered", "patches", "syncError"}.
//
// The controller reads the clock (availability after minReadySeconds): the oracle
// stops it at the request's `now` (metav1.Now, laid over by the build, and the
// controller's own clock from 1.35), so the input's times are taken as they are.
//
// Built per release by scripts/oracle; the controller's code is the release's, untouched
// (zz_oracle_hook.go, laid into its package by -overlay, only calls its sync).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	apps "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/kubernetes/scheme"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/component-base/featuregate"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/klog/v2"

	_ "k8s.io/kubernetes/pkg/features" // registers the release's feature gates
	"k8s.io/kubernetes/pkg/controller/statefulset"
)

// Set by the build: the k8s.io/kubernetes version this oracle runs.
var kubernetesVersion = "unknown"

type request struct {
	Now          string          `json:"now"`
	FeatureGates map[string]bool `json:"featureGates"`
	Input        struct {
		Items []json.RawMessage `json:"items"`
	} `json:"input"`
}

type action struct {
	Type           string `json:"type"`
	Name           string `json:"name"`
	Ordinal        *int   `json:"ordinal,omitempty"`
	Revision       string `json:"revision,omitempty"`
	RevisionNumber *int64 `json:"revisionNumber,omitempty"`
}

type result struct {
	KubernetesCode    string          `json:"kubernetesCode"`
	Gates             map[string]bool `json:"gates"`
	CurrentRevision   string          `json:"currentRevision"`
	UpdateRevision    string          `json:"updateRevision"`
	StatusWritten     bool            `json:"statusWritten"`
	Actions           []action        `json:"actions"`
	Status            map[string]any  `json:"status"`
	ParallelUnordered bool            `json:"parallelUnordered"`
	Patches           []string        `json:"patches"`
	SyncError         string          `json:"syncError,omitempty"`
}

// The gates that change what the StatefulSet controller does, reported when the
// release knows them.
var watched = []string{
	"MaxUnavailableStatefulSet", "StatefulSetAutoDeletePVC", "StatefulSetStartOrdinal",
	"PodIndexLabel", "StatefulSetMinReadySeconds", "StatefulSetSemanticRevisionComparison",
}

func main() {
	batch := flag.Bool("batch", false, "read one request per line and answer one result per line, until the end of the input")
	flag.Parse()
	if !*batch {
		if err := run(os.Stdin, os.Stdout, nil); err != nil {
			fmt.Fprintln(os.Stderr, "oracle:", err)
			os.Exit(1)
		}
		return
	}
	// One process per feature-gate configuration: the gates of the first request hold
	// for all (the release's gates are process-wide); a request that asks for others
	// is answered with an error.
	in := bufio.NewReader(os.Stdin)
	var gates map[string]bool
	for {
		line, err := in.ReadBytes('\n')
		if len(strings.TrimSpace(string(line))) > 0 {
			var buf strings.Builder
			if rerr := run(strings.NewReader(string(line)), &buf, &gates); rerr != nil {
				b, _ := json.Marshal(map[string]string{"error": rerr.Error()})
				buf.Reset()
				buf.Write(b)
				buf.WriteString("\n")
			}
			os.Stdout.WriteString(strings.ReplaceAll(strings.TrimSpace(buf.String()), "\n", "") + "\n")
		}
		if err != nil {
			return
		}
	}
}

func ordinalOf(name string) *int {
	i := strings.LastIndex(name, "-")
	if i < 0 {
		return nil
	}
	n, err := strconv.Atoi(name[i+1:])
	if err != nil {
		return nil
	}
	return &n
}

// run answers one request; `fixed` (batch mode) holds the gates set by the first.
func run(in io.Reader, out io.Writer, fixed *map[string]bool) error {
	klog.SetOutput(io.Discard)
	klog.LogToStderr(false)
	var req request
	if err := json.NewDecoder(in).Decode(&req); err != nil {
		return fmt.Errorf("reading the request: %w", err)
	}
	if req.FeatureGates == nil {
		req.FeatureGates = map[string]bool{}
	}
	switch {
	case fixed == nil || *fixed == nil:
		if err := utilfeature.DefaultMutableFeatureGate.SetFromMap(req.FeatureGates); err != nil {
			return fmt.Errorf("feature gates: %w", err)
		}
		if fixed != nil {
			*fixed = req.FeatureGates
		}
	case !sameGates(*fixed, req.FeatureGates):
		return fmt.Errorf("feature gates %v differ from this batch's %v", req.FeatureGates, *fixed)
	}
	gates := map[string]bool{}
	known := map[string]bool{}
	for name := range utilfeature.DefaultMutableFeatureGate.GetAll() {
		known[string(name)] = true
	}
	for _, g := range watched {
		if known[g] {
			gates[g] = utilfeature.DefaultFeatureGate.Enabled(featuregate.Feature(g))
		}
	}
	now, err := time.Parse(time.RFC3339, req.Now)
	if err != nil {
		return fmt.Errorf("now: %w", err)
	}
	metav1.OracleClock = func() time.Time { return now }

	var objs []runtime.Object
	var set *apps.StatefulSet
	pods := map[string]*v1.Pod{}
	revs := map[string]*apps.ControllerRevision{}
	decode := scheme.Codecs.UniversalDeserializer()
	for _, raw := range req.Input.Items {
		obj, _, err := decode.Decode(raw, nil, nil)
		if err != nil {
			return fmt.Errorf("decoding an item: %w", err)
		}
		switch o := obj.(type) {
		case *apps.StatefulSet:
			set = o
		case *v1.Pod:
			pods[o.Name] = o
		case *apps.ControllerRevision:
			revs[o.Name] = o
		}
		objs = append(objs, obj)
	}
	if set == nil {
		return fmt.Errorf("the input has no StatefulSet")
	}

	client := fake.NewSimpleClientset(objs...)
	var mu sync.Mutex
	res := result{KubernetesCode: kubernetesVersion, Gates: gates, Actions: []action{}, Patches: []string{}}
	tracker := client.Tracker()
	react := k8stesting.ObjectReaction(tracker)
	client.PrependReactor("*", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		var (
			handled bool
			obj     runtime.Object
			err     error
		)
		if d, ok := a.(k8stesting.DeleteAction); ok && a.GetResource().Resource == "pods" {
			handled, obj, err = true, nil, deletePod(tracker, d, now)
		} else {
			handled, obj, err = react(a)
		}
		if err != nil {
			return handled, obj, err
		}
		mu.Lock()
		defer mu.Unlock()
		record(&res, a, obj, pods, revs)
		return handled, obj, err
	})
	factory := informers.NewSharedInformerFactory(client, 0)
	podInf := factory.Core().V1().Pods()
	setInf := factory.Apps().V1().StatefulSets()
	pvcInf := factory.Core().V1().PersistentVolumeClaims()
	revInf := factory.Apps().V1().ControllerRevisions()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ssc := statefulset.NewStatefulSetController(ctx, podInf, setInf, pvcInf, revInf, client)
	for _, obj := range objs {
		var err error
		switch obj.(type) {
		case *apps.StatefulSet:
			err = setInf.Informer().GetIndexer().Add(obj)
		case *v1.Pod:
			err = podInf.Informer().GetIndexer().Add(obj)
		case *v1.PersistentVolumeClaim:
			err = pvcInf.Informer().GetIndexer().Add(obj)
		case *apps.ControllerRevision:
			err = revInf.Informer().GetIndexer().Add(obj)
		}
		if err != nil {
			return err
		}
	}
	if err := statefulset.OracleSyncAt(ctx, ssc, set.Namespace+"/"+set.Name, now); err != nil {
		res.SyncError = err.Error()
	}
	if !res.StatusWritten {
		res.CurrentRevision = set.Status.CurrentRevision
		res.UpdateRevision = set.Status.UpdateRevision
	}
	res.ParallelUnordered = set.Spec.PodManagementPolicy == apps.ParallelPodManagement
	sort.Strings(res.Patches)
	enc := json.NewEncoder(out)
	enc.SetIndent("", " ")
	return enc.Encode(res)
}

// deletePod deletes a pod as kube-apiserver does: a pod bound to a node and not
// finished is deleted gracefully (it gets a deletionTimestamp and stays, holding its
// name, until its kubelet is done; deleting it again succeeds), any other pod at once.
// The fake clientset's tracker would remove every pod at once, so a second delete in
// the same pass would fail where a real server accepts it.
func deletePod(tracker k8stesting.ObjectTracker, d k8stesting.DeleteAction, now time.Time) error {
	gvr := d.GetResource()
	obj, err := tracker.Get(gvr, d.GetNamespace(), d.GetName())
	if err != nil {
		return err
	}
	pod, ok := obj.(*v1.Pod)
	if !ok {
		return fmt.Errorf("pods/%s is a %T", d.GetName(), obj)
	}
	// podStrategy.CheckGracefulDelete: the pod's grace period (0 when unset), 0 when it
	// is not bound or has finished; with no grace period and no finalizers it is gone.
	grace := int64(0)
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		grace = *pod.Spec.TerminationGracePeriodSeconds
	}
	if pod.Spec.NodeName == "" || pod.Status.Phase == v1.PodSucceeded || pod.Status.Phase == v1.PodFailed {
		grace = 0
	}
	if grace <= 0 && len(pod.Finalizers) == 0 {
		return tracker.Delete(gvr, d.GetNamespace(), d.GetName())
	}
	if pod.DeletionTimestamp != nil {
		return nil
	}
	pod = pod.DeepCopy()
	t := metav1.NewTime(now)
	pod.DeletionTimestamp = &t
	pod.DeletionGracePeriodSeconds = &grace
	return tracker.Update(gvr, pod, d.GetNamespace())
}

// record notes one successful write of the controller.
func record(res *result, a k8stesting.Action, obj runtime.Object, pods map[string]*v1.Pod, revs map[string]*apps.ControllerRevision) {
	resource := a.GetResource().Resource
	verb := a.GetVerb()
	name := ""
	switch x := a.(type) {
	case k8stesting.CreateAction:
		if o, ok := x.GetObject().(interface{ GetName() string }); ok {
			name = o.GetName()
		}
	case k8stesting.UpdateAction:
		if o, ok := x.GetObject().(interface{ GetName() string }); ok {
			name = o.GetName()
		}
	case k8stesting.DeleteAction:
		name = x.GetName()
	case k8stesting.PatchAction:
		name = x.GetName()
	}
	switch {
	case resource == "statefulsets" && verb == "update" && a.GetSubresource() == "status":
		if s, ok := obj.(*apps.StatefulSet); ok {
			res.StatusWritten = true
			res.CurrentRevision = s.Status.CurrentRevision
			res.UpdateRevision = s.Status.UpdateRevision
			res.Status = map[string]any{
				"replicas":           s.Status.Replicas,
				"readyReplicas":      s.Status.ReadyReplicas,
				"currentReplicas":    s.Status.CurrentReplicas,
				"updatedReplicas":    s.Status.UpdatedReplicas,
				"availableReplicas":  s.Status.AvailableReplicas,
				"currentRevision":    s.Status.CurrentRevision,
				"updateRevision":     s.Status.UpdateRevision,
				"collisionCount":     derefInt32(s.Status.CollisionCount),
				"observedGeneration": s.Status.ObservedGeneration,
			}
		}
	case verb == "patch":
		res.Patches = append(res.Patches, resource+"/"+name)
	case resource == "pods" && (verb == "create" || verb == "update" || verb == "delete"):
		act := action{Type: map[string]string{"create": "CreatePod", "update": "UpdatePod", "delete": "DeletePod"}[verb], Name: name, Ordinal: ordinalOf(name)}
		switch verb {
		case "create":
			if p, ok := obj.(*v1.Pod); ok {
				act.Revision = p.Labels[apps.ControllerRevisionHashLabelKey]
			}
		case "delete":
			if p, ok := pods[name]; ok {
				act.Revision = p.Labels[apps.ControllerRevisionHashLabelKey]
			}
		}
		res.Actions = append(res.Actions, act)
	case resource == "persistentvolumeclaims" && (verb == "create" || verb == "update" || verb == "delete"):
		t := map[string]string{"create": "CreatePVC", "update": "UpdatePVC", "delete": "DeletePVC"}[verb]
		res.Actions = append(res.Actions, action{Type: t, Name: name, Ordinal: ordinalOf(name)})
	case resource == "controllerrevisions" && (verb == "create" || verb == "update" || verb == "delete"):
		t := map[string]string{"create": "CreateControllerRevision", "update": "UpdateControllerRevision", "delete": "DeleteControllerRevision"}[verb]
		act := action{Type: t, Name: name}
		if r, ok := obj.(*apps.ControllerRevision); ok && verb != "delete" {
			n := r.Revision
			act.RevisionNumber = &n
		} else if r, ok := revs[name]; ok {
			n := r.Revision
			act.RevisionNumber = &n
		}
		res.Actions = append(res.Actions, act)
	}
}

func sameGates(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func derefInt32(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}
