// Package httpapi serves zhiban over HTTP with echo: public pages, feeds,
// the JSON API and the staff workspace. It holds no SQL and no business rules.
package httpapi

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/config"
	"zhiban/metrics"
	"zhiban/pubcache"
	"zhiban/publish"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Server is the HTTP side of zhiban.
type Server struct {
	cfg     config.Config
	store   *store.Store
	now     func() time.Time
	log     *slog.Logger
	version string
	tpl     map[string]*template.Template
	echo    *echo.Echo
	cache   *pubcache.Cache    // rendered public pages and feeds, per data version and day
	pub     *publish.Publisher // what the public pages and the feeds show
	sched   Jobs               // nil: this process runs no jobs
	svc     *service.Service   // every use case of cases, visits and sweeps
	full    fullLog            // when a full database was last logged
	metrics *serverMetrics     // nil: no /metrics
	// noticeKey signs redirect notices and keys login-name hashes in the log.
	noticeKey []byte
	// bookingForm is the booking page's choices, built at most once a second (booking.go).
	bookingForm bookingFormCache
}

// Options are what New needs besides the store.
type Options struct {
	Config  config.Config
	Now     func() time.Time // the clock; time.Now in production
	Logger  *slog.Logger
	Version string
	// CacheCheck is how long a database version is trusted; 0 means 1s, negative every request.
	CacheCheck time.Duration
	// Scheduler runs the staff jobs page's jobs; nil means this process has none.
	Scheduler Jobs
	// Service runs the use cases; nil builds one queuing on no channel (tests).
	Service *service.Service
	// Metrics counts requests, the public cache and the outbox; nil counts nothing.
	Metrics *metrics.Metrics
}

// New builds the server and parses every template; a broken template fails here.
func New(st *store.Store, o Options) (*Server, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Server{cfg: o.Config, store: st, now: o.Now, log: o.Logger, version: o.Version, sched: o.Scheduler}
	s.svc = o.Service
	if s.svc == nil {
		s.svc = service.New(st, o.Config, nil)
	}
	s.cache = pubcache.New(st, o.CacheCheck, o.Now, o.Config.Location)
	s.pub = publish.New(st, o.Config)
	// The feeds' UID domain is made once now, not by the first feed request:
	// a write while rendering would make that render stale at once.
	if _, err := st.FeedDomain(context.Background()); err != nil {
		return nil, err
	}
	key, err := st.SecretKey(context.Background(), "notice")
	if err != nil {
		return nil, err
	}
	s.noticeKey = key
	tpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	if err := parseStaffTemplates(tpl); err != nil {
		return nil, err
	}
	s.tpl = tpl
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(o.Config.Server.Proxies)
	e.Pre(s.securityHeaders, s.limitBody, s.signedNotices)
	e.Use(s.watchFull)
	s.echo = e
	s.routes(e)
	if o.Metrics != nil {
		if err := s.useMetrics(o.Metrics); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// today is the county's civil date now: the one "today" of every handler.
func (s *Server) today() roster.Date { return roster.Today(s.now(), s.cfg.Location) }

// Handler returns the server as an http.Handler (for httptest and http.Server).
func (s *Server) Handler() http.Handler { return s }

// ListenAndServe serves on addr until ctx ends, then shuts down gracefully.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends; callers that must know the address works (serve --demo) listen first.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	// ReadTimeout covers the body: generous for a 9 MB import over a slow office line,
	// short enough that a trickling client cannot hold a connection. A new
	// connection that sends no complete header in 10 s is closed.
	srv := &http.Server{Handler: s, ConnContext: pubcache.ConnContext,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		MaxHeaderBytes: 64 << 10}
	if n := s.cfg.Server.MaxConnsPerAddress; n > 0 {
		srv.ConnState = newConnLimiter(n, s.cfg.Server.Proxies, s.log, s.now).state
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(pubcache.Listener(ln)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(shutCtx)
	}
}

func parseTemplates() (map[string]*template.Template, error) {
	pages, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, p := range pages {
		name := p[len("templates/"):]
		if name == "layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFiles, "templates/layout.html", p)
		if err != nil {
			return nil, err
		}
		out[name] = t
	}
	return out, nil
}
