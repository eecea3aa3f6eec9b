package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Webhook posts a message to a WeCom (企业微信) or DingTalk group robot.
// Group chats are semi-public: the text names leaders and duties only, never
// a phone number, so no @mobile mentions are sent either.
type Webhook struct {
	URL    string
	Kind   string // wecom | dingtalk
	Secret string // DingTalk 加签 secret; the request is signed when set
	Format string // text (default) | markdown: the subject as a bold title
	Client *http.Client
	// Now stamps DingTalk signatures; tests fix it.
	Now func() time.Time
}

// Content limits the robots document, in bytes of UTF-8: WeCom text 2,048
// and markdown 4,096; DingTalk about 20,000 for either.
const (
	wecomTextMax     = 2048
	wecomMarkdownMax = 4096
	dingtalkMax      = 20000
)

// cutNote ends a message cut to fit a robot's limit.
const cutNote = "…（内容过长，已截断）"

// Truncate cuts s to at most limit bytes at a UTF-8 boundary, ending it with
// cutNote when anything was cut.
func Truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	n := max(limit-len(cutNote), 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + cutNote
}

// payload is the robot's JSON: text is {"msgtype":"text","text":{"content":…}}
// for both robots; markdown is {"content":…} for WeCom and {"title","text"} for DingTalk.
func (w *Webhook) payload(m Message) any {
	if w.Format != "markdown" {
		limit := wecomTextMax
		if w.Kind == "dingtalk" {
			limit = dingtalkMax
		}
		return map[string]any{"msgtype": "text", "text": map[string]string{"content": Truncate(m.Text, limit)}}
	}
	body := m.Text
	if m.Subject != "" {
		body = "**" + m.Subject + "**\n\n" + body
	}
	if w.Kind == "dingtalk" {
		return map[string]any{"msgtype": "markdown", "markdown": map[string]string{
			"title": Truncate(m.Subject, 128), "text": Truncate(body, dingtalkMax)}}
	}
	return map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": Truncate(body, wecomMarkdownMax)}}
}

// Notify implements Notifier.
func (w *Webhook) Notify(ctx context.Context, m Message) error {
	if w.Kind != "wecom" && w.Kind != "dingtalk" {
		return fmt.Errorf("notify: webhook kind %q unknown", w.Kind)
	}
	data, err := json.Marshal(w.payload(m))
	if err != nil {
		return fmt.Errorf("notify: webhook: %w", err)
	}
	target, err := w.signed()
	if err != nil {
		return fmt.Errorf("notify: %s webhook %s: 地址无效", w.Kind, w.host())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("notify: %s webhook %s: 地址无效", w.Kind, w.host())
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	client := w.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("notify: %s webhook %s: %w", w.Kind, w.host(), redact(err))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("notify: %s webhook %s: HTTP %d", w.Kind, w.host(), resp.StatusCode)
	}
	// Both robots answer 200 with {"errcode":0,"errmsg":"ok"}; anything else is a refusal.
	var reply struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if json.Unmarshal(raw, &reply) == nil && reply.ErrCode != nil && *reply.ErrCode != 0 {
		return fmt.Errorf("%w: %s errcode %d %s", errResponse, w.Kind, *reply.ErrCode, w.scrub(reply.ErrMsg))
	}
	return nil
}

// signed is the URL to post to: with DingTalk 加签, timestamp (ms) and sign =
// base64(HMAC-SHA256(secret, timestamp+"\n"+secret)) are added to the query.
func (w *Webhook) signed() (string, error) {
	if w.Secret == "" {
		return w.URL, nil
	}
	u, err := url.Parse(w.URL)
	if err != nil {
		return "", err
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	ts := strconv.FormatInt(now().UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(w.Secret))
	mac.Write([]byte(ts + "\n" + w.Secret))
	q := u.Query()
	q.Set("timestamp", ts)
	q.Set("sign", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// host is the robot's host, the only part of its URL an error may name: the
// query carries the robot's secret (WeCom key=, DingTalk access_token=), and
// errors go to the log and the delivery table.
func (w *Webhook) host() string {
	u, err := url.Parse(w.URL)
	if err != nil || u.Host == "" {
		return "（地址无效）"
	}
	return u.Host
}

// scrub removes the robot's secrets from a text the robot sent back (an
// errmsg may quote the request).
func (w *Webhook) scrub(s string) string {
	secrets := []string{w.Secret}
	if u, err := url.Parse(w.URL); err == nil {
		for _, vs := range u.Query() {
			secrets = append(secrets, vs...)
		}
	}
	for _, v := range secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "***")
		}
	}
	return queryParam.ReplaceAllString(s, "$1=***")
}

// queryParam matches the robots' secret-bearing query parameters (a sign is
// replayable for an hour).
var queryParam = regexp.MustCompile(`(?i)\b(access_token|key|sign)=[^&\s\]"]*`)

// redact drops the *url.Error wrapper, whose message quotes the whole URL.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
