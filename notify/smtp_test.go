package notify_test

import (
	"context"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	"zhiban/notify"
	"zhiban/notify/smtptest"
)

// A From with a Chinese display name: the envelope carries the bare address
// (the whole string gave 501), the header the name in RFC 2047; the mail is
// dated, identified and marked automatic.
func TestSMTPFromWithDisplayName(t *testing.T) {
	srv := smtptest.Start(t)
	s := &notify.SMTP{Host: srv.Host(), Port: srv.Port(), From: "示例县群众工作部 <zhiban@example.gov.cn>",
		Office: []string{"office@example.gov.cn"}, Now: func() time.Time { return time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC) }}
	if err := s.Notify(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	got := srv.Received()
	if len(got) != 1 || got[0].From != "zhiban@example.gov.cn" {
		t.Fatalf("received %+v", got)
	}
	parsed, err := mail.ReadMessage(strings.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	h := parsed.Header
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "示例县群众工作部" || from[0].Address != "zhiban@example.gov.cn" {
		t.Fatalf("From %q: %+v %v", h.Get("From"), from, err)
	}
	for _, line := range strings.Split(got[0].Header(), "\r\n") {
		if len(line) > 998 || strings.ContainsFunc(line, func(r rune) bool { return r > 127 }) {
			t.Errorf("header line not 7-bit or too long: %q", line)
		}
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subject != msg.Subject {
		t.Errorf("Subject %q → %q %v", h.Get("Subject"), subject, err)
	}
	if id := h.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.gov.cn>") {
		t.Errorf("Message-ID %q", id)
	}
	if h.Get("Auto-Submitted") != "auto-generated" || h.Get("Date") != "Mon, 30 Nov 2026 17:00:00 +0000" {
		t.Errorf("headers:\n%s", got[0].Header())
	}
	if text, err := got[0].Text(); err != nil || text != msg.Text {
		t.Errorf("body %q %v", text, err)
	}
}

func TestSMTPTLS(t *testing.T) {
	for _, tt := range []struct {
		name string
		srv  smtptest.Mode
		mode string
	}{
		{"STARTTLS (auto)", smtptest.StartTLS, ""},
		{"STARTTLS (required)", smtptest.StartTLS, notify.TLSStart},
		{"implicit TLS", smtptest.Implicit, notify.TLSImplicit},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.StartWith(t, smtptest.Options{TLS: tt.srv, Username: "zhiban", Password: "s3cret-pass"})
			s := &notify.SMTP{Host: srv.Host(), Port: srv.Port(), From: "示例县群众工作部 <zhiban@example.gov.cn>",
				Office: []string{"office@example.gov.cn"}, Username: "zhiban", Password: "s3cret-pass", TLS: tt.mode, RootCAs: srv.RootCAs()}
			if err := s.Notify(context.Background(), msg); err != nil {
				t.Fatal(err)
			}
			got := srv.Received()
			if len(got) != 1 || !got[0].TLS || got[0].User != "zhiban" {
				t.Fatalf("received %+v", got)
			}
		})
	}
}

// The password never crosses a connection without TLS, unless allowed; a
// server that does not offer STARTTLS when it is required is an error.
func TestSMTPNoPasswordInClear(t *testing.T) {
	srv := smtptest.Start(t)
	s := &notify.SMTP{Host: srv.Host(), Port: srv.Port(), From: "zhiban@example.gov.cn", Office: []string{"office@example.gov.cn"},
		Username: "zhiban", Password: "s3cret-pass"}
	err := s.Notify(context.Background(), msg)
	if err == nil || !strings.Contains(err.Error(), "明文") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("err %v", err)
	}
	for _, c := range srv.Commands() {
		if strings.HasPrefix(strings.ToUpper(c), "AUTH") {
			t.Fatalf("sent %q in clear", c)
		}
	}
	s.Username, s.Password, s.TLS = "", "", notify.TLSStart
	if err := s.Notify(context.Background(), msg); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("STARTTLS required, server lacks it: %v", err)
	}
	if len(srv.Received()) != 0 {
		t.Fatal("a mail went out")
	}
}

// The wrong TLS mode fails fast and says what to set, instead of hanging
// until the try's deadline with a bare timeout.
func TestSMTPWrongTLSModeSaysSo(t *testing.T) {
	implicit := smtptest.StartWith(t, smtptest.Options{TLS: smtptest.Implicit})
	s := &notify.SMTP{Host: implicit.Host(), Port: implicit.Port(), From: "zhiban@example.gov.cn", Office: []string{"office@example.gov.cn"},
		TLS: notify.TLSStart, RootCAs: implicit.RootCAs()}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	err := s.Notify(ctx, msg)
	if err == nil || !strings.Contains(err.Error(), "tls: implicit") || time.Since(start) > 5*time.Second {
		t.Fatalf("starttls against implicit TLS: %v after %s", err, time.Since(start))
	}
	plain := smtptest.Start(t)
	s = &notify.SMTP{Host: plain.Host(), Port: plain.Port(), From: "zhiban@example.gov.cn", Office: []string{"office@example.gov.cn"},
		TLS: notify.TLSImplicit}
	if err := s.Notify(context.Background(), msg); err == nil || !strings.Contains(err.Error(), "tls: starttls") {
		t.Fatalf("implicit against plain: %v", err)
	}
}
