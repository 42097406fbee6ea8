// Laid into the release's own pkg/controller/statefulset with `go build -overlay`
// (scripts/oracle), for releases whose controller keeps a clock of its own (1.35 and
// later): the clock is set to the scenario's `now`. It reaches the unexported sync
// and changes nothing of the controller's decisions.

package statefulset

import (
	"context"
	"time"
)

// fixedClock is a passive clock stopped at one instant.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time                  { return c.t }
func (c fixedClock) Since(t time.Time) time.Duration { return c.t.Sub(t) }

// OracleSyncAt runs one sync of the set `key` ("namespace/name") at `now`, as the
// controller's worker does for a key taken from its queue.
func OracleSyncAt(ctx context.Context, ssc *StatefulSetController, key string, now time.Time) error {
	ssc.clock = fixedClock{now}
	return ssc.sync(ctx, key)
}
