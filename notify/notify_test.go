package notify_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiban/notify"
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

// smtpServer is a minimal SMTP listener that keeps the envelope and data of
// each message it receives.
type smtpServer struct {
	ln   net.Listener
	mu   sync.Mutex
	mail []received
}

type received struct {
	from string
	to   []string
	data string
}

func startSMTP(t *testing.T) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { io.WriteString(c, line+"\r\n") }
	say("220 test ESMTP")
	var m received
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.TrimRight(line, "\r\n")
		upper := strings.ToUpper(cmd)
		switch {
		case strings.HasPrefix(upper, "EHLO"), strings.HasPrefix(upper, "HELO"):
			say("250-test")
			say("250 8BITMIME")
		case strings.HasPrefix(upper, "MAIL FROM:"):
			addr, _, _ := strings.Cut(strings.TrimSpace(cmd[len("MAIL FROM:"):]), " ") // drop BODY=8BITMIME
			m = received{from: strings.Trim(addr, "<>")}
			say("250 ok")
		case strings.HasPrefix(upper, "RCPT TO:"):
			m.to = append(m.to, strings.Trim(cmd[len("RCPT TO:"):], "<> "))
			say("250 ok")
		case upper == "DATA":
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			m.data = b.String()
			s.mu.Lock()
			s.mail = append(s.mail, m)
			s.mu.Unlock()
			say("250 queued")
		case upper == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *smtpServer) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received{}, s.mail...)
}

func TestSMTPDelivery(t *testing.T) {
	srv := startSMTP(t)
	host, port, _ := net.SplitHostPort(srv.ln.Addr().String())
	p, _ := strconv.Atoi(port)
	m := msg
	m.To = append(m.To, notify.Recipient{Name: "值班员", Email: "duty@example.gov.cn"})
	s := &notify.SMTP{Host: host, Port: p, From: "zhiban@example.gov.cn", Office: []string{"office@example.gov.cn"},
		Now: func() time.Time { return time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC) }}
	if err := s.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.received()
	if len(got) != 1 {
		t.Fatalf("received %d mails", len(got))
	}
	if got[0].from != "zhiban@example.gov.cn" || strings.Join(got[0].to, ",") != "office@example.gov.cn,duty@example.gov.cn" {
		t.Fatalf("envelope %+v", got[0])
	}
	head, body, _ := strings.Cut(got[0].data, "\r\n\r\n")
	if !strings.Contains(head, "Subject: =?UTF-8?b?") || !strings.Contains(head, "charset=UTF-8") {
		t.Fatalf("headers %s", head)
	}
	text, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(body, "\r\n", ""))
	if err != nil || strings.TrimSpace(string(text)) != m.Text {
		t.Fatalf("body %q %v", text, err)
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
	srv := startSMTP(t)
	host, port, _ := net.SplitHostPort(srv.ln.Addr().String())
	p, _ := strconv.Atoi(port)
	// A clock in a zone of its own (as time.Now is in the machine's): 12:00 at UTC-5.
	zone := time.FixedZone("EST", -5*3600)
	s := &notify.SMTP{Host: host, Port: p, From: "zhiban@example.gov.cn", Office: []string{"office@example.gov.cn"},
		Now: func() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, zone) }}
	if err := s.Notify(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	got := srv.received()
	if len(got) != 1 || !strings.Contains(got[0].data, "Date: Mon, 30 Nov 2026 17:00:00 +0000\r\n") {
		t.Fatalf("mail %+v", got)
	}
}
