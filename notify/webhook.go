package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
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
		return fmt.Errorf("notify: webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	client := w.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("notify: %s webhook: %w", w.Kind, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("notify: %s webhook: HTTP %d", w.Kind, resp.StatusCode)
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
