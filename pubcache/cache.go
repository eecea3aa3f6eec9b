// Package pubcache caches rendered public pages and feeds per data version and county date, and serves them with validators and gzip.
package pubcache

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"zhiban/roster"
	"zhiban/store"
)

// Cache holds rendered public resources; an entry is valid for one database
// version and one county-zone date, so midnight re-renders it too.
type Cache struct {
	store      *store.Store
	checkEvery time.Duration
	now        func() time.Time // the clock that says which county date it is
	loc        *time.Location   // the county's zone

	probeMu sync.Mutex
	probe   atomic.Pointer[probe]

	entries sync.Map // key → *cacheEntry, each rendered at least once
	size    atomic.Int64
	// pending holds first renders; they join entries only when the render succeeds.
	pending sync.Map
	// fast holds only fastKey entries, so no other key (per-Host page, feed, API
	// range) can be reached by a request path that happens to spell it.
	fast sync.Map

	cur atomic.Pointer[current]

	// hits are responses from a kept render (the bypass's included), misses
	// renders; /metrics reads them through Stats.
	hits, misses atomic.Uint64
}

type probe struct {
	version string
	at      time.Time // wall clock of the check; only used to rate-limit checks
	writes  uint64    // store.Writes() at the check
}

// current is refreshed at most once per checkEvery so a hit does no clock arithmetic.
type current struct {
	version string
	day     roster.Date
	at      time.Time
	writes  uint64 // store.Writes() at the check
}

// fresh: checked less than checkEvery ago, and no write by this process since.
func (p *Cache) fresh(at time.Time, writes uint64) bool {
	return p.checkEvery > 0 && time.Since(at) < p.checkEvery && writes == p.store.Writes()
}

type cacheEntry struct {
	mu       sync.Mutex // one render at a time per key
	rendered atomic.Pointer[Rendered]
}

// Rendered is one representation, ready to write.
type Rendered struct {
	version       string
	day           roster.Date
	contentType   string
	body, gz      []byte
	etag          string // strong, of the identity body; gzip adds a suffix
	modified      time.Time
	hPlain, hGzip headerSet
	cacheControl  []string
	vary          []string
}

type headerSet struct {
	etag, lastModified, contentType, length []string
}

const (
	fastPrefix = "path:"
	hostPrefix = "host:"
)

// PathKey is the key of a resource that depends only on its request path;
// the bypass (Hit) serves it, so every other key needs another prefix.
func PathKey(path string) string { return fastPrefix + path }

// HostKey is the key of a resource that names the address it was asked at
// (base, derived from Host when public_url is empty). It is served with
// Vary: Host, so a shared cache keyed on the path alone keeps them apart.
func HostKey(name, base string) string { return hostPrefix + name + " " + base }

// maxCacheEntries bounds memory when clients vary query parameters.
const maxCacheEntries = 512

// New returns an empty cache over st; checkEvery bounds how long a database
// version is trusted (0 means 1s, 250ms on PostgreSQL; negative means every request).
func New(st *store.Store, checkEvery time.Duration, now func() time.Time, loc *time.Location) *Cache {
	if checkEvery == 0 {
		checkEvery = time.Second
		if st.Postgres() {
			// Replicas see each other's writes only through this check: a
			// quarter second keeps the public pages under 1 s behind, for
			// four cheap queries a second.
			checkEvery = 250 * time.Millisecond
		}
	}
	return &Cache{store: st, checkEvery: checkEvery, now: now, loc: loc}
}

// Len is the number of cached entries (not counting renders in progress).
func (p *Cache) Len() int { return int(p.size.Load()) }

// Stats returns how many responses came from a kept render and how many renders there were.
func (p *Cache) Stats() (hits, misses uint64) { return p.hits.Load(), p.misses.Load() }

// version asks the database at most once per checkEvery, so a burst costs one query.
func (p *Cache) version(ctx context.Context) (string, error) {
	if pr := p.probe.Load(); pr != nil && p.fresh(pr.at, pr.writes) {
		return pr.version, nil
	}
	p.probeMu.Lock()
	defer p.probeMu.Unlock()
	if pr := p.probe.Load(); pr != nil && p.fresh(pr.at, pr.writes) {
		return pr.version, nil
	}
	writes := p.store.Writes() // before the query, so a write during it forces another check
	v, err := p.store.DataVersion(ctx)
	if err != nil {
		return "", err
	}
	p.probe.Store(&probe{version: v, at: time.Now(), writes: writes})
	return v, nil
}

// entry returns key's entry and whether it is cached; a first render gets an
// uncounted pending entry, so a failed request (a 404 feed) leaves nothing behind.
func (p *Cache) entry(key string) (*cacheEntry, bool) {
	if e, ok := p.entries.Load(key); ok {
		return e.(*cacheEntry), true
	}
	e, _ := p.pending.LoadOrStore(key, &cacheEntry{})
	return e.(*cacheEntry), false
}

func (p *Cache) keep(key string, e *cacheEntry) {
	if _, loaded := p.entries.LoadOrStore(key, e); !loaded {
		if path, ok := strings.CutPrefix(key, fastPrefix); ok {
			p.fast.Store(path, e)
		}
		if p.size.Add(1) > maxCacheEntries {
			p.evictOne(key)
		}
	}
	p.pending.CompareAndDelete(key, e)
}

// Hit returns the current entry of a PathKey resource for req, or nil; the
// caller then routes the request, whose Serve refreshes the state.
func (p *Cache) Hit(req *http.Request) *Rendered {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return nil
	}
	cur := p.cur.Load()
	if cur == nil || !p.fresh(cur.at, cur.writes) {
		return nil
	}
	e, ok := p.fast.Load(req.URL.Path)
	if !ok {
		return nil
	}
	r := e.(*cacheEntry).rendered.Load()
	if r == nil || r.version != cur.version || r.day != cur.day {
		return nil
	}
	p.hits.Add(1)
	return r
}

// evictOne drops a random entry other than keep (map order would pick on the
// same keys), one at a time so query-parameter walks don't flush busy pages.
func (p *Cache) evictOne(keep string) {
	skip := rand.IntN(maxCacheEntries)
	for range 2 { // a second pass when skip ran past the end
		done := false
		p.entries.Range(func(k, v any) bool {
			key := k.(string)
			if key == keep {
				return true
			}
			if skip > 0 {
				skip--
				return true
			}
			if !p.entries.CompareAndDelete(key, v) {
				return true // gone meanwhile; try the next
			}
			if path, ok := strings.CutPrefix(key, fastPrefix); ok {
				p.fast.CompareAndDelete(path, v)
			}
			p.size.Add(-1)
			done = true
			return false
		})
		if done {
			return
		}
		skip = 0
	}
}

func (p *Cache) state(ctx context.Context) (string, roster.Date, error) {
	if c := p.cur.Load(); c != nil && p.fresh(c.at, c.writes) {
		return c.version, c.day, nil
	}
	writes := p.store.Writes()
	version, err := p.version(ctx)
	if err != nil {
		return "", 0, err
	}
	day := roster.Today(p.now(), p.loc)
	p.cur.Store(&current{version: version, day: day, at: time.Now(), writes: writes})
	return version, day, nil
}

// Builder renders one public resource: its bytes and when its data last changed.
type Builder func(ctx context.Context) (body []byte, modified time.Time, err error)

// Serve answers GET or HEAD for key, rendering only when the data version or
// county date moved; a build error is returned and nothing is kept.
func (p *Cache) Serve(w http.ResponseWriter, req *http.Request, key, contentType, cacheControl string, build Builder) error {
	ctx := req.Context()
	version, day, err := p.state(ctx)
	if err != nil {
		// The database does not answer (a restart, a failover): today's
		// last render is better than an error page.
		if r := p.lastOfToday(key); r != nil {
			r.Write(w, req)
			return nil
		}
		return err
	}
	e, cached := p.entry(key)
	r := e.rendered.Load()
	hit := true
	if r == nil || r.version != version || r.day != day {
		e.mu.Lock()
		r = e.rendered.Load()
		if r == nil || r.version != version || r.day != day {
			hit = false
			p.misses.Add(1)
			r, err = p.render(ctx, key, version, day, contentType, build)
			if err != nil {
				if !cached {
					p.pending.CompareAndDelete(key, e)
				}
				e.mu.Unlock()
				return err
			}
			if cacheControl != "" {
				r.cacheControl = []string{cacheControl}
			}
			e.rendered.Store(r)
		}
		if !cached {
			p.keep(key, e)
		}
		e.mu.Unlock()
	}
	if hit {
		p.hits.Add(1)
	}
	r.Write(w, req)
	return nil
}

// lastOfToday is key's kept render if it is of the county's today, or nil.
func (p *Cache) lastOfToday(key string) *Rendered {
	e, ok := p.entries.Load(key)
	if !ok {
		return nil
	}
	r := e.(*cacheEntry).rendered.Load()
	if r == nil || r.day != roster.Today(p.now(), p.loc) {
		return nil
	}
	return r
}

func (p *Cache) render(ctx context.Context, key, version string, day roster.Date, contentType string, build Builder) (*Rendered, error) {
	body, modified, err := build(ctx)
	if err != nil {
		return nil, err
	}
	// A page that names "today" changes at midnight even when no data does.
	if start := day.In(p.loc); modified.Before(start) {
		modified = start
	}
	r := newRendered(contentType, body, true, modified)
	r.version, r.day = version, day
	if strings.HasPrefix(key, hostPrefix) {
		r.vary = hVaryHost
	}
	return r, nil
}

// Static is a fixed resource, such as a file built into the binary, ready
// to write with an ETag (no Last-Modified: embedded files have no time),
// gzipped when compress is set (text, not PNG).
func Static(contentType, cacheControl string, body []byte, compress bool) *Rendered {
	r := newRendered(contentType, body, compress, time.Time{})
	r.cacheControl = []string{cacheControl}
	return r
}

func newRendered(contentType string, body []byte, compress bool, modified time.Time) *Rendered {
	sum := sha256.Sum256(body)
	r := &Rendered{
		contentType: contentType, body: body, vary: hVary,
		etag:     `"` + hex.EncodeToString(sum[:12]) + `"`,
		modified: modified.UTC().Truncate(time.Second),
	}
	var lm []string
	if !modified.IsZero() {
		lm = []string{r.modified.Format(http.TimeFormat)}
	}
	ct := []string{contentType}
	r.hPlain = headerSet{etag: []string{r.etag}, lastModified: lm, contentType: ct, length: []string{strconv.Itoa(len(r.body))}}
	if compress {
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		r.gz = gz.Bytes()
		r.hGzip = headerSet{etag: []string{strings.TrimSuffix(r.etag, `"`) + `-gz"`}, lastModified: lm, contentType: ct, length: []string{strconv.Itoa(len(r.gz))}}
	}
	return r
}

var (
	hVary     = []string{"Accept-Encoding"}
	hVaryHost = []string{"Accept-Encoding, Host"}
	hGzip     = []string{"gzip"}
)

// Write writes r with validators, 304 and gzip; this is the whole cost of a hit.
func (r *Rendered) Write(w http.ResponseWriter, req *http.Request) {
	h := w.Header()
	useGzip := false
	if ae, ok := req.Header["Accept-Encoding"]; ok && len(ae) > 0 && r.gz != nil {
		useGzip = acceptsGzip(ae[0])
	}
	hs, body := &r.hPlain, r.body
	if useGzip {
		hs, body = &r.hGzip, r.gz
	}
	// Canonical keys assigned directly: this is the hot path of every hit.
	h["Etag"] = hs.etag
	if hs.lastModified != nil {
		h["Last-Modified"] = hs.lastModified
	}
	h["Vary"] = r.vary
	if r.cacheControl != nil {
		h["Cache-Control"] = r.cacheControl
	}
	if notModified(req, r) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if useGzip {
		h["Content-Encoding"] = hGzip
	}
	h["Content-Type"] = hs.contentType
	h["Content-Length"] = hs.length
	w.WriteHeader(http.StatusOK)
	if req.Method != http.MethodHead {
		writeBody(w, req, body)
	}
}

// notModified applies RFC 9110 §13.1: If-None-Match wins over If-Modified-Since.
func notModified(req *http.Request, r *Rendered) bool {
	if len(req.Header) == 0 {
		return false
	}
	if inm := req.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == r.etag || t == strings.TrimSuffix(r.etag, `"`)+`-gz"` {
				return true
			}
		}
		return false
	}
	if ims := req.Header.Get("If-Modified-Since"); ims != "" && !r.modified.IsZero() {
		if t, err := http.ParseTime(ims); err == nil && !r.modified.After(t) {
			return true
		}
	}
	return false
}

func acceptsGzip(ae string) bool {
	for ae != "" {
		var part string
		part, ae, _ = strings.Cut(ae, ",")
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(name) != "gzip" {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
