// Laid into the release's own pkg/controller/statefulset with `go build -overlay`
// (scripts/oracle), for releases whose controller reads the time through
// metav1.Now (before 1.35): that clock is set by the oracle (the build lays
// k8s.io/apimachinery's metav1.Now over with one that reads metav1.OracleClock).
// It reaches the unexported sync and changes nothing of the controller's decisions.

package statefulset

import (
	"context"
	"time"
)

// OracleSyncAt runs one sync of the set `key` ("namespace/name") at `now`, as the
// controller's worker does for a key taken from its queue.
func OracleSyncAt(ctx context.Context, ssc *StatefulSetController, key string, now time.Time) error {
	_ = now // read through metav1.Now, which the oracle sets
	return ssc.sync(ctx, key)
}
