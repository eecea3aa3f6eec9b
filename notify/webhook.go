package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Webhook posts a text message to a WeCom (企业微信) or DingTalk group robot.
// Group chats are semi-public: the text names leaders and duties only, never
// a phone number, so no @mobile mentions are sent either.
type Webhook struct {
	URL    string
	Kind   string // wecom | dingtalk
	Client *http.Client
}

// robotText is the text message both robots accept:
// {"msgtype":"text","text":{"content":"…"}}.
type robotText struct {
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
}

// Notify implements Notifier.
func (w *Webhook) Notify(ctx context.Context, m Message) error {
	if w.Kind != "wecom" && w.Kind != "dingtalk" {
		return fmt.Errorf("notify: webhook kind %q unknown", w.Kind)
	}
	var body robotText
	body.MsgType = "text"
	body.Text.Content = m.Text
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("notify: webhook: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(data))
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
		return fmt.Errorf("%w: %s errcode %d %s", errResponse, w.Kind, *reply.ErrCode, reply.ErrMsg)
	}
	return nil
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

// redact drops the *url.Error wrapper, whose message quotes the whole URL.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
