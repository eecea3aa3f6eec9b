package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// SMTP sends each message as one plain-text e-mail to the office addresses,
// when the message names the office, and to each recipient with a private
// address. Private addresses go in the envelope only (as Bcc), so a leader
// never sees another's; the To header shows the office list, or the one
// private address when the message is for one leader.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	Office   []string
	// Now dates the messages; tests fix it. The Date header is written in
	// UTC, so the machine's zone never shows in it.
	Now func() time.Time
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
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("notify: smtp %s: %w", addr, err)
	}
	defer conn.Close()
	// net/smtp has no timeouts of its own: the deadline bounds the whole dialogue.
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	} else {
		conn.SetDeadline(time.Now().Add(30 * time.Second))
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		return fmt.Errorf("notify: smtp %s: %w", addr, err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("notify: smtp hello: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: s.Host}); err != nil {
			return fmt.Errorf("notify: smtp starttls: %w", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("notify: smtp auth: %w", err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return fmt.Errorf("notify: smtp from: %w", err)
	}
	for _, a := range to {
		if err := c.Rcpt(a); err != nil {
			return fmt.Errorf("notify: smtp rcpt %s: %w", a, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("notify: smtp data: %w", err)
	}
	if _, err := w.Write(s.compose(header, m)); err != nil {
		return fmt.Errorf("notify: smtp data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("notify: smtp data: %w", err)
	}
	return c.Quit()
}

// compose builds a UTF-8 message with the given To header; the body is
// base64 so any relay passes it.
func (s *SMTP) compose(to string, m Message) []byte {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", s.From)
	fmt.Fprintf(&b, "To: %s\r\n", to)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("UTF-8", m.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now().UTC().Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(m.Text + "\r\n"))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
