package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"strconv"
	"strings"
	"time"
)

// TLS modes of the e-mail channel (config notify.smtp.tls).
const (
	TLSAuto     = "auto"     // implicit TLS on port 465, else STARTTLS when offered
	TLSImplicit = "implicit" // TLS from the first byte (port 465, "SMTPS")
	TLSStart    = "starttls" // STARTTLS required
	TLSNone     = "none"     // never TLS (a relay on the same host)
)

// SMTP sends each message as one plain-text e-mail to the office addresses,
// when the message names the office, and to each recipient with a private
// address. Private addresses go in the envelope only (as Bcc), so a leader
// never sees another's; the To header shows the office list, or the one
// private address when the message is for one leader.
//
// It is net/smtp with the parts a submission server needs done by hand:
// implicit TLS or STARTTLS, timeouts from the context, the envelope sender
// taken out of a From with a display name, and a password sent only over TLS
// unless InsecureAuth says otherwise.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string // an address, optionally with a display name: 示例县群众工作部 <zhiban@…>
	Office   []string
	TLS      string // TLSAuto when empty
	// InsecureAuth allows the password over a connection without TLS.
	InsecureAuth bool
	// RootCAs verifies the server's certificate; nil means the system's.
	RootCAs *x509.CertPool
	// Now dates the messages; tests fix it. The Date header is written in
	// UTC, so the machine's zone never shows in it.
	Now func() time.Time
}

// dialTimeout bounds the TCP connect; the context bounds the rest.
const dialTimeout = 10 * time.Second

// mode is the TLS mode in effect.
func (s *SMTP) mode() string {
	switch {
	case s.TLS != "" && s.TLS != TLSAuto:
		return s.TLS
	case s.Port == 465:
		return TLSImplicit
	}
	return TLSAuto
}

// Notify implements Notifier.
func (s *SMTP) Notify(ctx context.Context, m Message) error {
	var office, private []string
	for _, r := range m.To {
		switch {
		case r == Office:
			office = s.Office
		case r.Email != "" && !contains(private, r.Email):
			private = append(private, r.Email)
		}
	}
	to := append([]string{}, office...)
	for _, a := range private {
		if !contains(to, a) {
			to = append(to, a)
		}
	}
	if len(to) == 0 {
		return nil // nobody has an address: the log and the robot still carry it
	}
	header := "undisclosed-recipients:;"
	switch {
	case len(office) > 0:
		header = strings.Join(office, ", ")
	case len(private) == 1:
		header = private[0]
	}
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return fmt.Errorf("notify: smtp: 发件人 %q 无效", s.From)
	}
	c, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("notify: smtp MAIL FROM:<%s>: %w", from.Address, err)
	}
	for _, a := range to {
		if err := c.Rcpt(a); err != nil {
			return fmt.Errorf("notify: smtp RCPT TO:<%s>: %w", a, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("notify: smtp DATA: %w", err)
	}
	if _, err := w.Write(s.compose(from, header, m)); err != nil {
		return fmt.Errorf("notify: smtp DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("notify: smtp DATA: %w", err)
	}
	return c.Quit()
}

// dial connects, greets, secures and authenticates, all within ctx.
func (s *SMTP) dial(ctx context.Context) (*smtp.Client, error) {
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	mode := s.mode()
	d := net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("notify: smtp %s: 无法连接：%w", addr, err)
	}
	// net/smtp has no timeouts of its own: the deadline bounds the whole dialogue.
	dl, ok := ctx.Deadline()
	if !ok {
		dl = time.Now().Add(30 * time.Second)
	}
	conn.SetDeadline(dl)
	tlsCfg := &tls.Config{ServerName: s.Host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}
	if mode == TLSImplicit {
		tc := tls.Client(conn, tlsCfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("notify: smtp %s: 隐式 TLS 握手失败（端口 587、25 通常用 STARTTLS：设置 notify.smtp.tls: starttls）：%w", addr, err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		if isTimeout(err) && mode != TLSImplicit {
			// An implicit-TLS port waits for our TLS hello while we wait for its greeting.
			return nil, fmt.Errorf("notify: smtp %s: 等待服务器问候超时；若该端口为隐式 TLS（如 465），请设置 notify.smtp.tls: implicit：%w", addr, err)
		}
		return nil, fmt.Errorf("notify: smtp %s: %w", addr, err)
	}
	fail := func(format string, args ...any) (*smtp.Client, error) {
		c.Close()
		return nil, fmt.Errorf("notify: smtp %s: "+format, append([]any{addr}, args...)...)
	}
	if err := c.Hello(s.helloName()); err != nil {
		return fail("EHLO: %w", err)
	}
	secure := mode == TLSImplicit
	if !secure && mode != TLSNone {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsCfg); err != nil {
				return fail("STARTTLS: %w", err)
			}
			secure = true
		} else if mode == TLSStart {
			return fail("服务器未提供 STARTTLS（notify.smtp.tls: starttls 要求加密）")
		}
	}
	if s.Username != "" {
		if !secure && !s.InsecureAuth {
			return fail("连接未加密，拒绝以明文发送密码（请使用 STARTTLS 或隐式 TLS；确需明文时设置 notify.smtp.insecure_auth: true）")
		}
		if err := c.Auth(plainAuth{s.Username, s.Password}); err != nil {
			return fail("登录失败（用户 %s）：%w", s.Username, err)
		}
	}
	return c, nil
}

// plainAuth is AUTH PLAIN. net/smtp's PlainAuth refuses a connection without
// TLS except to localhost; dial has already decided whether that is allowed.
type plainAuth struct{ user, pass string }

func (a plainAuth) Start(*smtp.ServerInfo) (string, []byte, error) {
	return "PLAIN", []byte("\x00" + a.user + "\x00" + a.pass), nil
}

func (a plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("unexpected server challenge")
	}
	return nil, nil
}

// helloName is the host name announced in EHLO: the machine's, when it is a
// full domain name, else the sender's domain (servers refuse a bare "localhost").
func (s *SMTP) helloName() string {
	if h, err := os.Hostname(); err == nil && strings.Contains(h, ".") {
		return h
	}
	if a, err := mail.ParseAddress(s.From); err == nil {
		if _, domain, ok := strings.Cut(a.Address, "@"); ok && domain != "" {
			return domain
		}
	}
	return "localhost"
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// compose builds a UTF-8 message with the given To header; the body is
// base64 so any relay passes it. Auto-Submitted keeps vacation replies away.
func (s *SMTP) compose(from *mail.Address, to string, m Message) []byte {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	_, domain, _ := strings.Cut(from.Address, "@")
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", foldWords(from.String())) // RFC 2047 for a Chinese display name
	fmt.Fprintf(&b, "To: %s\r\n", to)
	fmt.Fprintf(&b, "Subject: %s\r\n", foldWords(mime.BEncoding.Encode("UTF-8", m.Subject)))
	fmt.Fprintf(&b, "Date: %s\r\n", now().UTC().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%d.%s@%s>\r\n", now().UnixNano(), rand.Text(), domain)
	b.WriteString("Auto-Submitted: auto-generated\r\nX-Auto-Response-Suppress: All\r\n")
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(m.Text + "\r\n"))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// foldWords puts each encoded word of a long header on its own line, keeping
// lines near the 78 characters RFC 5322 asks for.
func foldWords(s string) string { return strings.ReplaceAll(s, "?= =?", "?=\r\n =?") }

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
