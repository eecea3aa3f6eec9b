package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"zhiban/config"
	"zhiban/notify"
)

// robot is a group robot that checks what the documentation asks: DingTalk's
// signature when it has a secret, and each kind's content limit.
type robot struct {
	t      *testing.T
	kind   string
	secret string
	mu     sync.Mutex
	got    []map[string]any
}

func (r *robot) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if r.secret != "" {
		ts, sign := req.URL.Query().Get("timestamp"), req.URL.Query().Get("sign")
		mac := hmac.New(sha256.New, []byte(r.secret))
		mac.Write([]byte(ts + "\n" + r.secret))
		ms, _ := strconv.ParseInt(ts, 10, 64)
		if sign != base64.StdEncoding.EncodeToString(mac.Sum(nil)) || time.Since(time.UnixMilli(ms)).Abs() > time.Hour {
			// DingTalk's answer to a bad signature.
			io.WriteString(w, `{"errcode":310000,"errmsg":"sign not match, more: [`+req.URL.RawQuery+`]"}`)
			return
		}
	}
	var m map[string]any
	json.NewDecoder(req.Body).Decode(&m)
	limit := map[string]int{"wecom/text": 2048, "wecom/markdown": 4096, "dingtalk/text": 20000, "dingtalk/markdown": 20000}[r.kind+"/"+m["msgtype"].(string)]
	for _, part := range m {
		if p, ok := part.(map[string]any); ok {
			for _, v := range p {
				if s := v.(string); len(s) > limit || !utf8.ValidString(s) {
					io.WriteString(w, `{"errcode":40058,"errmsg":"content exceed max length"}`)
					return
				}
			}
		}
	}
	r.mu.Lock()
	r.got = append(r.got, m)
	r.mu.Unlock()
	io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

func TestDingTalkSignature(t *testing.T) {
	secret := "SEC0123456789abcdef"
	r := &robot{t: t, kind: "dingtalk", secret: secret}
	srv := httptest.NewServer(r)
	defer srv.Close()
	w := &notify.Webhook{URL: srv.URL + "/robot/send?access_token=TOKEN-42", Kind: "dingtalk", Secret: secret}
	if err := w.Notify(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	// A wrong secret is refused; the error names neither secret nor token.
	w.Secret = "SECwrong-secret"
	err := w.Notify(context.Background(), msg)
	if err == nil || !strings.Contains(err.Error(), "310000") {
		t.Fatalf("wrong secret: %v", err)
	}
	if strings.Contains(err.Error(), "SECwrong") || strings.Contains(err.Error(), "TOKEN-42") || !strings.Contains(err.Error(), "sign=***") {
		t.Errorf("error quotes a secret: %v", err)
	}
	if len(r.got) != 1 {
		t.Fatalf("robot got %d", len(r.got))
	}
}

// Long messages are cut at a character boundary to each robot's limit, and say so.
func TestWebhookLimits(t *testing.T) {
	long := notify.Message{Subject: "本周值班安排", Text: strings.Repeat("值班领导王建国，", 1000)} // 24,000 bytes
	for _, tt := range []struct{ kind, format string }{{"wecom", "text"}, {"wecom", "markdown"}, {"dingtalk", "text"}, {"dingtalk", "markdown"}} {
		t.Run(tt.kind+"/"+tt.format, func(t *testing.T) {
			r := &robot{t: t, kind: tt.kind}
			srv := httptest.NewServer(r)
			defer srv.Close()
			w := &notify.Webhook{URL: srv.URL, Kind: tt.kind, Format: tt.format}
			if err := w.Notify(context.Background(), long); err != nil {
				t.Fatal(err)
			}
			var content string
			for _, part := range r.got[0] {
				if p, ok := part.(map[string]any); ok {
					for k, v := range p {
						if k != "title" {
							content = v.(string)
						}
					}
				}
			}
			if !strings.HasSuffix(content, "…（内容过长，已截断）") {
				t.Fatalf("no note of the cut: …%s", content[len(content)-40:])
			}
			if tt.format == "markdown" && !strings.HasPrefix(content, "**本周值班安排**\n\n") {
				t.Fatalf("markdown lacks the title: %.40s", content)
			}
		})
	}
	if got := notify.Truncate("值班", 4); got != "…（内容过长，已截断）" && utf8.ValidString(got) {
		t.Errorf("Truncate below the note's length: %q", got)
	}
	if got := notify.Truncate("值班", 6); got != "值班" {
		t.Errorf("Truncate of a short text: %q", got)
	}
}

// A WeCom group and a DingTalk group at once: each robot is a channel of its own.
func TestSeveralRobots(t *testing.T) {
	wecom, ding := &robot{t: t, kind: "wecom"}, &robot{t: t, kind: "dingtalk", secret: "SECabc"}
	ws, ds := httptest.NewServer(wecom), httptest.NewServer(ding)
	defer ws.Close()
	defer ds.Close()
	cfg := config.Notify{
		Webhook:  config.Webhook{URL: ws.URL + "/send?key=k", Kind: "wecom", Format: "markdown"},
		Webhooks: []config.Webhook{{URL: ds.URL + "/robot/send?access_token=t", Kind: "dingtalk", Secret: "SECabc"}},
	}
	f := &notify.Fanout{Channels: notify.Channels(cfg, slog.New(slog.DiscardHandler))}
	if got := strings.Join(f.Names(), ","); got != "webhook,dingtalk" {
		t.Fatalf("channels %s", got)
	}
	for _, o := range f.Send(context.Background(), msg) {
		if o.Err != nil {
			t.Fatalf("%s: %v", o.Channel, o.Err)
		}
	}
	if len(wecom.got) != 1 || wecom.got[0]["msgtype"] != "markdown" || len(ding.got) != 1 || ding.got[0]["msgtype"] != "text" {
		t.Fatalf("wecom %v, dingtalk %v", wecom.got, ding.got)
	}
	if notify.ChannelLabel("dingtalk") != "钉钉群" || notify.ChannelLabel("wecom-2") != "企业微信群-2" {
		t.Fatal("labels")
	}
}
