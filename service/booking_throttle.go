package service

import (
	"hash/maphash"
	"sync"
	"time"
)

// addressThrottle counts the booking, lookup and cancel requests of each
// client address in this process's memory: in the 17:00 rush a counter in
// the database cost every attempt a write transaction (on PostgreSQL one
// more waiter for the schema's write lock), most of them for an attempt
// refused at once as a full day. So with several replicas each replica
// limits separately (an address gets up to per_address_per_hour at each),
// and a restart forgets the counts; the per-phone and per-ID limits, in the
// database, hold across replicas.
type addressThrottle struct {
	mu      sync.Mutex
	seen    map[string]throttleCount
	pruneAt int // prune idle addresses when seen grows past this
}

type throttleCount struct {
	n    int
	last time.Time
}

// throttleWindow: an address's count is forgotten an hour after its last
// request, and an address over the limit waits that long.
const throttleWindow = time.Hour

// minThrottlePrune is the smallest map that is pruned.
const minThrottlePrune = 1024

// reserve counts one request of address on now, up to limit an hour; past
// it the request is refused (not counted) until an hour after the last one counted.
func (t *addressThrottle) reserve(address string, limit int, now time.Time) (until time.Time, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen == nil {
		t.seen = map[string]throttleCount{}
	}
	c := t.seen[address]
	if now.Sub(c.last) >= throttleWindow {
		c.n = 0
	}
	if c.n >= limit && now.Before(c.last.Add(throttleWindow)) {
		return c.last.Add(throttleWindow), false
	}
	t.seen[address] = throttleCount{n: c.n + 1, last: now}
	if len(t.seen) > max(t.pruneAt, minThrottlePrune) {
		for a, c := range t.seen {
			if now.Sub(c.last) >= throttleWindow {
				delete(t.seen, a)
			}
		}
		t.pruneAt = 2 * len(t.seen)
	}
	return time.Time{}, true
}

// dutyGates let one booking of a duty day at a time into its transaction
// in this process; the others wait here, holding no database connection
// (on PostgreSQL a transaction waiting for the write lock holds one of the
// pool's few), and most of them then find the day full without a
// transaction. The transaction still checks every rule: this only queues.
// A fixed set of mutexes, a day's picked by hash, bounds the memory
// whatever days a request names.
type dutyGates struct {
	seed  maphash.Seed
	gates [64]sync.Mutex
}

func newDutyGates() *dutyGates { return &dutyGates{seed: maphash.MakeSeed()} }

// of is the gate of a duty day's key.
func (g *dutyGates) of(key string) *sync.Mutex {
	return &g.gates[maphash.String(g.seed, key)%uint64(len(g.gates))]
}
