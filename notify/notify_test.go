package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zhiban/notify"
	"zhiban/notify/smtptest"
)

var msg = notify.Message{
	To:      []notify.Recipient{{PersonID: "L03", Name: "王建国"}, notify.Office},
	Subject: "值班提醒：明天（12月1日）县领导值班接访",
	Text:    "【值班提醒】明天（12月1日 星期二）08:30–17:30 在县群众来访接待中心值班接访：值班领导 王建国（县委副书记）。",
}

func TestWebhookShapes(t *testing.T) {
	for _, kind := range []string{"wecom", "dingtalk"} {
		t.Run(kind, func(t *testing.T) {
			var got map[string]any
			var ctype string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ctype = r.Header.Get("Content-Type")
				json.NewDecoder(r.Body).Decode(&got)
				io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
			}))
			defer srv.Close()
			w := &notify.Webhook{URL: srv.URL + "/robot/send?key=k", Kind: kind}
			if err := w.Notify(context.Background(), msg); err != nil {
				t.Fatal(err)
			}
			text, _ := got["text"].(map[string]any)
			if got["msgtype"] != "text" || text["content"] != msg.Text || len(got) != 2 {
				t.Fatalf("payload %v", got)
			}
			if !strings.HasPrefix(ctype, "application/json") {
				t.Fatalf("content type %q", ctype)
			}
		})
	}
}

func TestWebhookRefusalIsAnError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"errcode":310000,"errmsg":"keywords not in content"}`)
	}))
	defer srv.Close()
	err := (&notify.Webhook{URL: srv.URL, Kind: "dingtalk"}).Notify(context.Background(), msg)
	if err == nil || !strings.Contains(err.Error(), "310000") {
		t.Fatalf("err %v", err)
	}
	srv500 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }))
	defer srv500.Close()
	if err := (&notify.Webhook{URL: srv500.URL, Kind: "wecom"}).Notify(context.Background(), msg); err == nil {
		t.Fatal("HTTP 502 accepted")
	}
}

func TestSMTPDelivery(t *testing.T) {
	srv := smtptest.Start(t)
	m := msg
	m.To = append(m.To, notify.Recipient{Name: "值班员", Email: "duty@example.gov.cn"})
	s := &notify.SMTP{Host: srv.Host(), Port: srv.Port(), From: "zhiban@example.gov.cn", Office: []string{"office@example.gov.cn"},
		Now: func() time.Time { return time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC) }}
	if err := s.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Received()
	if len(got) != 1 {
		t.Fatalf("received %d mails", len(got))
	}
	if got[0].From != "zhiban@example.gov.cn" || strings.Join(got[0].To, ",") != "office@example.gov.cn,duty@example.gov.cn" {
		t.Fatalf("envelope %+v", got[0])
	}
	head := got[0].Header()
	if !strings.Contains(head, "Subject: =?UTF-8?b?") || !strings.Contains(head, "charset=UTF-8") {
		t.Fatalf("headers %s", head)
	}
	if text, err := got[0].Text(); err != nil || text != m.Text {
		t.Fatalf("body %q %v", text, err)
	}
}

// The office list gets what names the office; a leader's private address
// gets what names the leader, and never shows in another's copy.
func TestSMTPRecipients(t *testing.T) {
	wang := notify.Recipient{PersonID: "L03", Name: "王建国", Email: "l03@shili.gov.example"}
	lin := notify.Recipient{PersonID: "D01", Name: "林振华", Email: "d01@shili.gov.example"}
	noMail := notify.Recipient{PersonID: "L05", Name: "孙国庆"}
	office := []string{"office@shili.gov.example", "duty-desk@shili.gov.example"}
	tests := []struct {
		name     string
		to       []notify.Recipient
		envelope string // "" when nothing is sent
		header   string
	}{
		{"one leader alone", []notify.Recipient{wang}, "l03@shili.gov.example", "l03@shili.gov.example"},
		{"summary to leaders and the office", []notify.Recipient{wang, lin, noMail, notify.Office},
			"office@shili.gov.example,duty-desk@shili.gov.example,l03@shili.gov.example,d01@shili.gov.example",
			"office@shili.gov.example, duty-desk@shili.gov.example"},
		{"two leaders without the office", []notify.Recipient{wang, lin}, "l03@shili.gov.example,d01@shili.gov.example", "undisclosed-recipients:;"},
		{"leader without an address and the office", []notify.Recipient{noMail, notify.Office},
			"office@shili.gov.example,duty-desk@shili.gov.example", "office@shili.gov.example, duty-desk@shili.gov.example"},
		{"leader without an address alone", []notify.Recipient{noMail}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.Start(t)
			s := &notify.SMTP{Host: srv.Host(), Port: srv.Port(), From: "zhiban@shili.gov.example", Office: office}
			m := msg
			m.To = tt.to
			if err := s.Notify(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			got := srv.Received()
			if tt.envelope == "" {
				if len(got) != 0 {
					t.Fatalf("sent %+v", got)
				}
				return
			}
			if len(got) != 1 || strings.Join(got[0].To, ",") != tt.envelope {
				t.Fatalf("envelope %+v, want %s", got, tt.envelope)
			}
			head := got[0].Header()
			if !strings.Contains(head, "\r\nTo: "+tt.header+"\r\n") {
				t.Fatalf("To header not %q:\n%s", tt.header, head)
			}
			for _, r := range tt.to {
				if r.Email != "" && r.Email != tt.header && strings.Contains(got[0].Data, r.Email) {
					t.Errorf("the mail shows %s", r.Email)
				}
			}
		})
	}
}

func TestFanoutRetriesWithBackoffAndRecovers(t *testing.T) {
	var waits []time.Duration
	sleep := func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	flaky := &countingNotifier{fail: 2}
	broken := &countingNotifier{fail: 100}
	f := &notify.Fanout{
		Channels: []notify.Channel{{"flaky", flaky}, {"broken", broken}, {"panics", panicker{}}},
		Attempts: 3, Backoff: time.Second, Sleep: sleep,
	}
	out := f.Send(context.Background(), msg)
	if out[0].Err != nil || out[0].Attempts != 3 {
		t.Fatalf("flaky: %+v", out[0])
	}
	if out[1].Err == nil || out[1].Attempts != 3 {
		t.Fatalf("broken: %+v", out[1])
	}
	if out[2].Err == nil || !strings.Contains(out[2].Err.Error(), "panic") {
		t.Fatalf("panics: %+v", out[2])
	}
	if waits[0] != time.Second || waits[1] != 2*time.Second {
		t.Fatalf("backoff %v", waits)
	}
	if _, err := f.Deliver(context.Background(), "nope", msg); err == nil {
		t.Fatal("unknown channel accepted")
	}
}

type countingNotifier struct{ fail, calls int }

func (c *countingNotifier) Notify(ctx context.Context, m notify.Message) error {
	c.calls++
	if c.calls <= c.fail {
		return errors.New("temporarily down")
	}
	return nil
}

type panicker struct{}

func (panicker) Notify(context.Context, notify.Message) error { panic("boom") }

func TestWebhookErrorsNeverQuoteTheSecret(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: the POST fails before any reply
	for _, raw := range []string{
		"http://" + addr + "/cgi-bin/webhook/send?key=SECRET-KEY-123",
		"http://" + addr + "/robot/send?access_token=SECRET-KEY-123",
	} {
		w := &notify.Webhook{URL: raw, Kind: "wecom"}
		err := w.Notify(context.Background(), msg)
		if err == nil {
			t.Fatal("no error from a closed port")
		}
		if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "send?") {
			t.Fatalf("error quotes the URL: %v", err)
		}
		if !strings.Contains(err.Error(), addr) {
			t.Fatalf("error does not name the host: %v", err)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	defer srv.Close()
	err = (&notify.Webhook{URL: srv.URL + "/send?key=SECRET-KEY-123", Kind: "dingtalk"}).Notify(context.Background(), msg)
	if err == nil || strings.Contains(err.Error(), "SECRET") || !strings.Contains(err.Error(), "502") {
		t.Fatalf("HTTP error: %v", err)
	}
}

func TestSMTPDateIsNotInTheMachineZone(t *testing.T) {
	srv := smtptest.Start(t)
	// A clock in a zone of its own (as time.Now is in the machine's): 12:00 at UTC-5.
	zone := time.FixedZone("EST", -5*3600)
	s := &notify.SMTP{Host: srv.Host(), Port: srv.Port(), From: "zhiban@example.gov.cn", Office: []string{"office@example.gov.cn"},
		Now: func() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, zone) }}
	if err := s.Notify(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	got := srv.Received()
	if len(got) != 1 || !strings.Contains(got[0].Data, "Date: Mon, 30 Nov 2026 17:00:00 +0000\r\n") {
		t.Fatalf("mail %+v", got)
	}
}
