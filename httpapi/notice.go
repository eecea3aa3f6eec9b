package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// Redirect notices (?done=) carry ds, an HMAC under the installation's
// notice key (kept in the database, so a redirect may land on any replica):
// anyone can put text in a link, so signedNotices drops an unsigned done
// before any handler reads it.
func (s *Server) noticeSig(msg string) string {
	m := hmac.New(sha256.New, s.noticeKey)
	m.Write([]byte("done\x00" + msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

func (s *Server) doneQuery(msg string) string {
	return "done=" + url.QueryEscape(msg) + "&ds=" + s.noticeSig(msg)
}

// signedNotices drops done and ds when ds does not match, before routing.
func (s *Server) signedNotices(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !strings.Contains(req.URL.RawQuery, "done=") {
			return next(c)
		}
		q := req.URL.Query()
		if done := q.Get("done"); done != "" && !hmac.Equal([]byte(q.Get("ds")), []byte(s.noticeSig(done))) {
			q.Del("done")
			q.Del("ds")
			req.URL.RawQuery = q.Encode()
		}
		return next(c)
	}
}

// nameHash is a keyed hash of a typed login name for the log: equal names match
// across replicas, and a password typed there cannot be recovered by guessing.
func (s *Server) nameHash(name string) string {
	m := hmac.New(sha256.New, s.noticeKey)
	m.Write([]byte("login-name\x00" + name))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:6])
}
