package httpapi

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// Redirect notices (?done=) carry ds, an HMAC under processKey, a per-process key:
// anyone can put text in a link, so signedNotices drops an unsigned done before any
// handler reads it. A restart drops pending notices, which costs only the notice.
var processKey = func() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return k
}()

func noticeSig(msg string) string {
	m := hmac.New(sha256.New, processKey)
	m.Write([]byte("done\x00" + msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

func doneQuery(msg string) string {
	return "done=" + url.QueryEscape(msg) + "&ds=" + noticeSig(msg)
}

// signedNotices drops done and ds when ds does not match, before routing.
func (s *Server) signedNotices(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !strings.Contains(req.URL.RawQuery, "done=") {
			return next(c)
		}
		q := req.URL.Query()
		if done := q.Get("done"); done != "" && !hmac.Equal([]byte(q.Get("ds")), []byte(noticeSig(done))) {
			q.Del("done")
			q.Del("ds")
			req.URL.RawQuery = q.Encode()
		}
		return next(c)
	}
}

// nameHash is a keyed hash of a typed login name for the log: equal names match
// in one process, and a password typed there cannot be recovered by guessing.
func nameHash(name string) string {
	m := hmac.New(sha256.New, processKey)
	m.Write([]byte("login-name\x00" + name))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:6])
}
