package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"zhiban/pubcache"
	"zhiban/publish"
)

// What public pages show, and never show, is decided in package publish.

const (
	htmlType = "text/html; charset=utf-8"
	jsonType = "application/json; charset=utf-8"
)

// todayPage is "/": the published data and links naming the address it is served at.
type todayPage struct {
	publish.TodayPage
	Subscribe subscribe
	// BookingCutoff is booking.cutoff when 预约接访 is open, else "".
	BookingCutoff string
}

func (s *Server) showTodayPage(c echo.Context) error {
	base := s.publicBase(c)
	return s.serveCached(c, s.publicKey(c, "/"), htmlType, "public, max-age=60", func(ctx context.Context) ([]byte, time.Time, error) {
		pg, err := s.pub.TodayPage(ctx, s.today())
		if err != nil {
			return nil, time.Time{}, err
		}
		body, err := s.renderBytes("today.html", todayPage{TodayPage: pg, Subscribe: subscribeLinks(base), BookingCutoff: s.bookingCutoff()})
		return body, pg.D.Modified(), err
	})
}

// showTodayJSON is the today page as JSON for hall displays and other sites.
func (s *Server) showTodayJSON(c echo.Context) error {
	return s.serveCached(c, "api:today", jsonType, "public, max-age=60", func(ctx context.Context) ([]byte, time.Time, error) {
		d, err := s.pub.Today(ctx, s.today())
		if err != nil {
			return nil, time.Time{}, err
		}
		body, err := json.Marshal(d)
		return body, d.Modified(), err
	})
}

// showRosterMonth shows one month as a table that prints on one A4 page.
func (s *Server) showRosterMonth(c echo.Context) error {
	m, err := publish.ParseMonth(c.Param("month"))
	if err != nil {
		return err
	}
	return s.serveCached(c, pubcache.PathKey("/roster/"+m.String()), htmlType, "public, max-age=60", func(ctx context.Context) ([]byte, time.Time, error) {
		pg, last, err := s.pub.MonthPage(ctx, s.today(), m)
		if err != nil {
			return nil, time.Time{}, err
		}
		body, err := s.renderBytes("roster_month.html", pg)
		return body, last, err
	})
}

// publicVisitsPage is /visits with each township's feed as an absolute webcal:// link.
type publicVisitsPage struct {
	publish.VisitsPage
	Webcal map[string]template.URL // by township id
}

func (s *Server) showVisitsPage(c echo.Context) error {
	base := s.publicBase(c)
	return s.serveCached(c, s.publicKey(c, "/visits"), htmlType, "public, max-age=60", func(ctx context.Context) ([]byte, time.Time, error) {
		pg, last, err := s.pub.VisitsPage(ctx, s.today())
		if err != nil {
			return nil, time.Time{}, err
		}
		links := make(map[string]template.URL, len(pg.Groups))
		for _, g := range pg.Groups {
			links[g.ID] = webcal(base + g.Feed)
		}
		body, err := s.renderBytes("visits.html", publicVisitsPage{VisitsPage: pg, Webcal: links})
		return body, last, err
	})
}

func (s *Server) showVisitsJSON(c echo.Context) error {
	return s.serveCached(c, "api:visits", jsonType, "public, max-age=60", func(ctx context.Context) ([]byte, time.Time, error) {
		groups, last, err := s.pub.VisitsByTownship(ctx, s.today())
		if err != nil {
			return nil, time.Time{}, err
		}
		body, err := json.Marshal(publish.VisitsJSON{Townships: groups})
		return body, last, err
	})
}

func (s *Server) showRangeJSON(c echo.Context) error {
	today := s.today()
	from, to, err := publish.ParseRange(c.QueryParam("from"), c.QueryParam("to"), today)
	if err != nil {
		return err
	}
	key := "api:range:" + from.String() + ":" + to.String()
	return s.serveCached(c, key, jsonType, "public, max-age=60", func(ctx context.Context) ([]byte, time.Time, error) {
		r, last, err := s.pub.Range(ctx, today, from, to)
		if err != nil {
			return nil, time.Time{}, err
		}
		body, err := json.Marshal(r)
		return body, last, err
	})
}

// subscribe holds the feed links, built from publicBase (public_url or a checked Host).
type subscribe struct {
	HTTPS, Page string
	Webcal      template.URL // html/template refuses the webcal scheme otherwise
}

func subscribeLinks(base string) subscribe {
	u := base + "/feeds/roster.ics"
	return subscribe{HTTPS: u, Webcal: webcal(u), Page: base + "/"}
}

// webcal is feed URL u with the webcal scheme, which opens a calendar app.
func webcal(u string) template.URL {
	for _, p := range []string{"https://", "http://"} {
		if rest, ok := strings.CutPrefix(u, p); ok && rest != "" {
			return template.URL("webcal://" + rest)
		}
	}
	return template.URL(u)
}

// showQRCode serves a QR code of the public address, sized for a phone at arm's length.
func (s *Server) showQRCode(c echo.Context) error {
	base := s.publicBase(c)
	return s.serveCached(c, s.publicKey(c, "qr"), "image/png", "public, max-age=86400", func(ctx context.Context) ([]byte, time.Time, error) {
		png, err := qrcode.Encode(base+"/", qrcode.Medium, 240)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("httpapi: qr code: %w", err)
		}
		return png, time.Time{}, nil
	})
}

// bookingCutoff is booking.cutoff when public booking is open, else "".
func (s *Server) bookingCutoff() string {
	if !s.cfg.Booking.Enabled {
		return ""
	}
	return s.cfg.Booking.Cutoff
}

// townshipPage is /township/{id} with its feed as absolute links.
type townshipPage struct {
	publish.TownshipPage
	Subscribe subscribe
}

// showTownshipPage is a township's public page: its station's roster and the visits to it.
func (s *Server) showTownshipPage(c echo.Context) error {
	id := c.Param("id")
	if !publicID(id) {
		return echo.ErrNotFound
	}
	base := s.publicBase(c)
	return s.serveCached(c, s.publicKey(c, "township:"+id), htmlType, "public, max-age=60", func(ctx context.Context) ([]byte, time.Time, error) {
		pg, last, err := s.pub.TownshipPage(ctx, s.today(), id)
		if err != nil {
			return nil, time.Time{}, err
		}
		u := base + pg.Feed
		body, err := s.renderBytes("township.html", townshipPage{TownshipPage: pg,
			Subscribe: subscribe{HTTPS: u, Webcal: webcal(u), Page: base + "/township/" + id}})
		return body, last, err
	})
}

// showStationsPage is today's duty at every township station, ?q= searching by name.
func (s *Server) showStationsPage(c echo.Context) error {
	q, err := publish.ParseStationQuery(c.QueryParam("q"))
	if err != nil {
		return err
	}
	return s.serveCached(c, "stations:"+q, htmlType, "public, max-age=60", func(ctx context.Context) ([]byte, time.Time, error) {
		pg, last, err := s.pub.StationsPage(ctx, s.today(), q)
		if err != nil {
			return nil, time.Time{}, err
		}
		body, err := s.renderBytes("stations.html", pg)
		return body, last, err
	})
}

// publicID is a unit or roster id as the county file allows (no space,
// control character or / ? # %), so odd guesses never reach the cache.
func publicID(id string) bool {
	return id != "" && len(id) <= 100 && utf8.ValidString(id) && strings.IndexFunc(id, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("/?#%", r)
	}) < 0
}
